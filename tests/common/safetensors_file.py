"""The tests' one reader (and writer) of safetensors files, standard library
only: the 8-byte little-endian header length, the JSON header, the data."""
import json
import struct


def split(blob):
    """(header dict, data bytes) of a safetensors file's bytes."""
    (hlen,) = struct.unpack("<Q", blob[:8])
    return json.loads(blob[8 : 8 + hlen]), blob[8 + hlen :]


def join(header, data):
    """The file's bytes for a header dict and a data section (the header padded to 8 bytes)."""
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + data


def f32_tensors(path):
    """{name: tuple of floats} for the F32 tensors of a file."""
    with open(path, "rb") as f:
        header, data = split(f.read())
    out = {}
    for name, t in header.items():
        if name == "__metadata__" or t["dtype"] != "F32":
            continue
        begin, end = t["data_offsets"]
        out[name] = struct.unpack("<%df" % ((end - begin) // 4), data[begin:end])
    return out
