#!/usr/bin/env python3
"""The house rule for src/: no function longer than 80 lines, none whose
blocks nest more than 3 deep inside its body (as clang-tidy's
readability-function-size counts compound statements; the body itself is
level 1). A plain reader of C, not a compiler: it strips comments, strings
and preprocessor lines, then follows the braces.

usage: function_shape.py [--max-lines N] [--max-depth N] DIR...   (exit 1 on a finding)"""
import os
import re
import sys

CONTROL_END = re.compile(r"(\)|\belse|\bdo)\s*$")


def strip(text):
    """Comments, string and character literals and preprocessor lines
    become spaces; line breaks stay, so line numbers hold."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (j + 1 - i))
            i = j + 1
        elif c == "#" and (i == 0 or text[i - 1] == "\n"):
            j = i
            while True:  # a directive, with its continuation lines
                k = text.find("\n", j)
                if k < 0 or text[k - 1] != "\\":
                    break
                j = k + 1
            k = n if k < 0 else k
            out.append(re.sub(r"[^\n]", " ", text[i:k]))
            i = k
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    """(name, first line, last line, deepest block level) of each function."""
    text = strip(open(path, encoding="utf-8").read())
    found, stack, start = [], [], None  # stack: True for a block, False for an initializer
    name, depth_max = None, 0
    for i, c in enumerate(text):
        if c == "{":
            window = max(0, i - 300)
            before = text[window:i].rstrip()
            if not stack:
                m = re.search(r"(\w+)\s*\([^;{}]*\)\s*$", before)
                if m and not re.search(r"=\s*$", before):
                    name, start, depth_max = m.group(1), text.count("\n", 0, window + m.start(1)) + 1, 1
                stack.append(bool(m))
                continue
            parent_block = stack[-1]
            block = parent_block and (CONTROL_END.search(before) is not None or before[-1:] in ";{}:")
            stack.append(block)
            if name and block:
                depth_max = max(depth_max, sum(stack[1:]) + 1)
        elif c == "}" and stack:
            stack.pop()
            if not stack and name:
                found.append((name, start, text.count("\n", 0, i) + 1, depth_max))
                name = None
    return found


def main(argv):
    max_lines, max_depth, dirs = 80, 4, []
    args = iter(argv)
    for a in args:
        if a == "--max-lines":
            max_lines = int(next(args))
        elif a == "--max-depth":
            max_depth = int(next(args))
        else:
            dirs.append(a)
    bad = 0
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if not f.endswith(".c"):
                    continue
                path = os.path.join(root, f)
                for name, first, last, depth in functions(path):
                    lines = last - first + 1
                    if lines > max_lines:
                        print(f"{path}:{first}: {name} is {lines} lines (at most {max_lines})")
                        bad += 1
                    if depth > max_depth:
                        print(f"{path}:{first}: {name} nests blocks {depth - 1} deep in its body (at most {max_depth - 1})")
                        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
