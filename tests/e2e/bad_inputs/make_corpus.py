#!/usr/bin/env python3
"""Regenerates tests/bad_inputs/files/: malformed configs, checkpoints, IDX
files, images and .npy files, derived from the valid tiny checkpoint and
images in tests/fuzz/corpus/. Standard library only."""
import gzip
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "common"))
from safetensors_file import join, split  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "files")
CORPUS = os.path.join(HERE, "..", "..", "fuzz", "corpus")
os.makedirs(OUT, exist_ok=True)


def put(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---- configs
put("not-json.json", "this is not JSON\n")
put("empty.json", "")
put("deep.json", "[" * 5000 + "]" * 5000)
put("array.json", "[1, 2, 3]")
put("wrong-type.json", '{"train": {"batch_size": "64"}}')
put("unknown-key.json", '{"train": {"batchsize": 64}}')
put("unknown-section.json", '{"training": {"batch_size": 64}}')
put("image-size-1e9.json", '{"data": {"image_size": 1e9}}')
put("image-size-48.json", '{"data": {"image_size": 48}}')
put("batch-2-31.json", '{"train": {"batch_size": 2147483648}}')
put("negative-lr.json", '{"train": {"lr_d": -0.0002}}')
put("lr-g-early-negative.json", '{"train": {"lr_g_early": -0.002, "lr_g_early_steps": 500}}')
put("lr-g-early-no-steps.json", '{"train": {"lr_g_early": 0.002}}')
put("background-name.json", '{"data": {"background": "purple"}}')
put("background-component.json", '{"data": {"background": [0, 256, 0]}}')
put("string-nz.json", '{"model": {"nz": "100"}}')
put("duplicate-key.json", '{"model": {"nz": 100, "nz": 64}}')
put("bad-format.json", '{"data": {"format": "tiff"}}')
put("nul-byte.json", b'{"train": {}}\x00{}')
put("nul-escape-key.json", '{"train": {"steps\\u0000junk": 5}}')
put("nul-escape-value.json", '{"output": {"dir": "runs/a\\u0000b"}}')
put("missing-data.json", '{"data": {"path": "/nonexistent/gan/train-images.gz"}}')

# ---- checkpoints, from the tiny valid generator
g = open(os.path.join(CORPUS, "checkpoint", "g.bin"), "rb").read()
(hlen,) = struct.unpack("<Q", g[:8])
header, data = split(g)


def ckpt(h, body=data):
    return join(h, body)


def edit(fn):
    h = json.loads(json.dumps(header))
    fn(h)
    return h


put("ckpt-empty.bin", b"")
put("ckpt-trunc-length.bin", g[:5])
put("ckpt-trunc-header.bin", g[:8 + hlen // 2])
put("ckpt-trunc-data.bin", g[:-10])
put("ckpt-header-huge.bin", struct.pack("<Q", 1 << 40) + g[8:])
put("ckpt-header-past-end.bin", struct.pack("<Q", len(g)) + g[8:])
put("ckpt-header-not-json.bin", struct.pack("<Q", 16) + b"{not json at all" + data)
put("ckpt-extra-bytes.bin", g + b"\0" * 16)
first = next(k for k in header if k != "__metadata__")
second = [k for k in header if k != "__metadata__"][1]
put("ckpt-overlap.bin", ckpt(edit(lambda h: h[second].__setitem__(
    "data_offsets", [h[first]["data_offsets"][0], h[first]["data_offsets"][0] + (h[second]["data_offsets"][1] - h[second]["data_offsets"][0])]))))
put("ckpt-offset-out-of-range.bin", ckpt(edit(lambda h: h[first].__setitem__("data_offsets", [0, 1 << 30]))))
put("ckpt-dtype-f16.bin", ckpt(edit(lambda h: h[first].__setitem__("dtype", "F16"))))
put("ckpt-dtype-i64.bin", ckpt(edit(lambda h: (h[first].__setitem__("dtype", "I64"), h[first].__setitem__(
    "shape", [(h[first]["data_offsets"][1] - h[first]["data_offsets"][0]) // 8])))))
put("ckpt-shape-mismatch.bin", ckpt(edit(lambda h: h[first].__setitem__("shape", list(reversed(h[first]["shape"]))))))
arch = json.loads(header["__metadata__"]["arch"])
arch["nz"] += 3
put("ckpt-other-arch.bin", ckpt(edit(lambda h: h["__metadata__"].__setitem__("arch", json.dumps(arch)))))
put("ckpt-arch-1e300.bin", ckpt(edit(lambda h: h["__metadata__"].__setitem__("arch", json.dumps(dict(arch, nz=1e300))))))
put("ckpt-no-metadata.bin", ckpt(edit(lambda h: h.pop("__metadata__"))))
def without(name):
    """The checkpoint minus one tensor, its bytes removed and offsets re-tiled."""
    h, body, off = {"__metadata__": header["__metadata__"]}, b"", 0
    for k, v in header.items():
        if k in ("__metadata__", name):
            continue
        b, e = v["data_offsets"]
        body += data[b:e]
        h[k] = dict(v, data_offsets=[off, off + e - b])
        off += e - b
    return ckpt(h, body)


put("ckpt-missing-tensor.bin", without(first))
put("ckpt-negative-shape.bin", ckpt(edit(lambda h: h[first].__setitem__("shape", [-1, 2]))))

# ---- IDX image files
def idx(magic, n, r, c, pixels):
    return struct.pack(">IIII", magic, n, r, c) + pixels


put("bad-magic.idx", idx(0x0804, 2, 28, 28, bytes(2 * 784)))
put("counts-larger.idx", idx(0x0803, 1000, 28, 28, bytes(2 * 784)))
put("zero-images.idx", idx(0x0803, 0, 28, 28, b""))
put("zero-rows.idx", idx(0x0803, 2, 0, 28, b""))
put("labels.idx", struct.pack(">II", 0x0801, 3) + b"\x01\x02\x03")
put("short.idx", b"\x00\x00\x08")
noise = b"".join(hashlib.sha256(bytes([i])).digest() for i in range(98))  # 3136 bytes, incompressible
full = gzip.compress(idx(0x0803, 4, 28, 28, noise), mtime=0)
put("truncated.idx.gz", full[: len(full) // 2])

# ---- images (each goes alone into a folder)
png = open(os.path.join(CORPUS, "image", "four.png"), "rb").read()
jpg = open(os.path.join(CORPUS, "image", "four.jpg"), "rb").read()
put("zero-bytes.png", b"")
put("truncated.png", png[: len(png) // 2])
put("truncated.jpg", jpg[:200])
put("huge-dims.png", png[:16] + struct.pack(">II", 100000, 100000) + png[24:])
put("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
put("gif-named.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
put("text.jpg", "this is not an image\n")


# ---- .npy latent files (the tiny generator has nz = 2)
def npy(descr, shape, body, fortran=False):
    d = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, "True" if fortran else "False", shape)
    d += " " * (-(10 + len(d) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode() + body


put("z-float64.npy", npy("<f8", "(4, 2)", bytes(64)))
put("z-one-dim.npy", npy("<f4", "(8,)", bytes(32)))
put("z-wrong-nz.npy", npy("<f4", "(4, 7)", bytes(112)))
put("z-truncated.npy", npy("<f4", "(4, 2)", bytes(20)))
put("z-fortran.npy", npy("<f4", "(4, 2)", bytes(32), fortran=True))
put("z-big-endian.npy", npy(">f4", "(4, 2)", bytes(32)))
put("z-not-npy.npy", "not numpy\n")
# 'shape' inside another value: the dict must hold exactly NumPy's three keys
d = "{'descr': '<f4', 'fortran_order': False, 'note': \"'shape': (1, 2)\", 'shape': (4, 2), }"
d += " " * (-(10 + len(d) + 1) % 64) + "\n"
put("z-shape-in-value.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode() + bytes(32))
# a valid version-2 file whose header (70,000 bytes of padding) is larger than gan reads
d = "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), }"
d += " " * (70000 - 12 - len(d) - 1) + "\n"
put("z-header-70k.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", len(d)) + d.encode() + bytes(32))

# ---- conditional generators (model.conditional), from the tiny valid one
gc = open(os.path.join(CORPUS, "checkpoint", "g-cond.bin"), "rb").read()
(gc_hlen,) = struct.unpack("<Q", gc[:8])
gc_header = json.loads(gc[8:8 + gc_hlen])
gc_data = gc[8 + gc_hlen:]


def cond_edit(fn):
    h = json.loads(json.dumps(gc_header))
    fn(h["__metadata__"])
    return ckpt(h, gc_data)


gc_arch = json.loads(gc_header["__metadata__"]["arch"])
put("ckpt-classes-1001.bin", cond_edit(lambda m: m.__setitem__("arch", json.dumps(dict(gc_arch, classes=1001)))))
put("ckpt-no-class-names.bin", cond_edit(lambda m: m.pop("class_names")))
put("ckpt-three-class-names.bin", cond_edit(lambda m: m.__setitem__("class_names", '["a","b","c"]')))
put("ckpt-class-names-not-json.bin", cond_edit(lambda m: m.__setitem__("class_names", "0,1,2")))
put("ckpt-g-condition-bad.bin",
    cond_edit(lambda m: m.__setitem__("arch", json.dumps(dict(gc_arch, g_condition="film")))))

# ---- labels: IDX label files for data.labels, label .npy files for --labels-in (int64 [n])
put("y-float.npy", npy("<f4", "(4,)", bytes(16)))
put("y-two-dim.npy", npy("<i8", "(2, 2)", bytes(32)))
put("y-length-3.npy", npy("<i8", "(3,)", bytes(24)))
put("y-class-12.npy", npy("<i8", "(4,)", struct.pack("<4q", 0, 12, 1, 2)))
put("y-negative.npy", npy("<i8", "(4,)", struct.pack("<4q", 0, -1, 1, 2)))
# a CIFAR-10 batch whose one record has label 11
put("cifar-label-11.bin", bytes([11]) + bytes(3072))

# ---- image folders with class folders (each a folder of files/)
def folder(name, files):
    for rel, data in files.items():
        path = os.path.join(OUT, name, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


folder("classes-one-empty", {"cat/a.png": png, "dog/README.txt": b"no images here\n"})
folder("classes-image-at-top", {"top.png": png, "cat/a.png": png})
print(f"make_corpus.py: {len(os.listdir(OUT))} files in {OUT}")
