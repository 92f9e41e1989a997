"""Writes the safetensors layout with nothing but the standard library and
numpy: u64 little-endian header length, JSON header padded with spaces to a
multiple of 8, then the raw little-endian tensors in order."""
import json
import struct

import numpy as np

DTYPES = {np.dtype("float32"): "F32", np.dtype("int64"): "I64", np.dtype("uint64"): "U64"}


def save(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name, arr in tensors.items():
        arr = np.asarray(arr).copy(order="C")  # ascontiguousarray would turn 0-d into [1]
        data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": DTYPES[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def load(path):
    """Returns (tensors as numpy arrays, metadata dict)."""
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n])
    meta = header.pop("__metadata__", {})
    rev = {v: k for k, v in DTYPES.items()}
    out = {}
    for name, h in header.items():
        b, e = h["data_offsets"]
        out[name] = np.frombuffer(buf[8 + n + b:8 + n + e], dtype=rev[h["dtype"]].newbyteorder("<")).reshape(h["shape"])
    return out, meta
