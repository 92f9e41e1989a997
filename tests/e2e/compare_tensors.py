#!/usr/bin/env python3
"""Compares the float32 tensors of two safetensors files (g.bin, d.bin).

usage: compare_tensors.py A B [--rtol X]
Prints the largest difference of any tensor relative to that tensor's
largest magnitude; exits 1 when it exceeds --rtol (default 0: bytes equal),
2 when the files do not hold the same tensors. Standard library only.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from safetensors_file import f32_tensors  # noqa: E402


def main():
    args = sys.argv[1:]
    rtol = 0.0
    if "--rtol" in args:
        i = args.index("--rtol")
        rtol = float(args[i + 1])
        del args[i : i + 2]
    a, b = f32_tensors(args[0]), f32_tensors(args[1])
    if a.keys() != b.keys() or any(len(a[k]) != len(b[k]) for k in a):
        print("compare_tensors: %s and %s hold different tensors" % (args[0], args[1]))
        return 2
    worst, where = 0.0, ""
    for name in a:
        scale = max(max(abs(v) for v in a[name]), 1e-30)
        diff = max(abs(x - y) for x, y in zip(a[name], b[name])) / scale
        if diff > worst:
            worst, where = diff, name
    print("compare_tensors: largest relative difference %.3g%s" % (worst, " (%s)" % where if where else ""))
    return 1 if worst > rtol else 0


if __name__ == "__main__":
    sys.exit(main())
