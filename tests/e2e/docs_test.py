#!/usr/bin/env python3
"""The README and docs/ hold no dead link and no command that does not exist.

- every relative link and image ([text](path), <img src="path">) names a file or folder of the tree,
  and a #fragment names a heading of its target;
- every `gan` command line in a fenced code block (gan ..., build/gan ..., mpirun ... gan ...) names
  a command of the binary, and each of its --options is one that command's --help lists.

usage: docs_test.py GAN SOURCE_DIR"""
import glob
import os
import re
import subprocess
import sys

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)|<img[^>]*\bsrc=\"([^\"]+)\"")


def anchors(path):
    """GitHub's heading anchors of a Markdown file."""
    out = set()
    for line in open(path, encoding="utf-8"):
        m = re.match(r"#+\s+(.*)", line)
        if m:
            a = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
            out.add(a)
    return out


def check_links(doc, src, problems):
    text = open(doc, encoding="utf-8").read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # code blocks hold no links
    for m in LINK.finditer(text):
        target = m.group(1) or m.group(2)
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        path, _, frag = target.partition("#")
        full = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
        if not full.startswith(src) or not os.path.exists(full):
            problems.append(f"{os.path.relpath(doc, src)}: dead link {target}")
        elif frag and full.endswith(".md") and frag not in anchors(full):
            problems.append(f"{os.path.relpath(doc, src)}: no heading #{frag} in {path or 'this page'}")


def help_options(gan, words, cache):
    """The long options `gan WORDS --help` lists, or None for no such command."""
    key = " ".join(words)
    if key not in cache:
        r = subprocess.run([gan, *words, "--help"], capture_output=True, text=True)
        cache[key] = set(re.findall(r"--([a-z][a-z0-9-]*)", r.stdout)) if r.returncode == 0 else None
    return cache[key]


def shell_lines(doc):
    """The lines of the fenced shell blocks (```, ```sh, ```bash) of a page."""
    lang = None
    for line in open(doc, encoding="utf-8"):
        fence = re.match(r"\s*```(\w*)", line)
        if fence:
            lang = None if lang is not None else fence.group(1)
        elif lang in ("", "sh", "bash", "console"):
            yield line


def check_commands(doc, src, gan, problems, cache):
    for line in shell_lines(doc):
        line = line.split("#", 1)[0].strip()
        m = re.search(r"(?:^|\s|&&\s*|\(|sudo\s+)(?:\S*/)?gan\s+([a-z][a-z-]*)((?:\s+\S+)*)", line)
        if not m:
            continue
        words = [m.group(1)]
        rest = m.group(2).split()
        if words[0] == "classify" and rest and not rest[0].startswith("-"):
            words.append(rest.pop(0))
        opts = help_options(gan, words, cache)
        if opts is None:
            problems.append(f"{os.path.relpath(doc, src)}: no command 'gan {' '.join(words)}': {line}")
            continue
        for word in rest:
            if word in ("|", ">", "&&", ";"):
                break
            o = re.match(r"--([a-z][a-z0-9-]*)", word)
            if o and o.group(1) not in opts:
                problems.append(f"{os.path.relpath(doc, src)}: gan {' '.join(words)} has no --{o.group(1)}: {line}")


def main():
    gan, src = sys.argv[1], os.path.abspath(sys.argv[2])
    docs = [os.path.join(src, "README.md")] + sorted(glob.glob(os.path.join(src, "docs", "**", "*.md"), recursive=True))
    problems, cache = [], {}
    for doc in docs:
        check_links(doc, src, problems)
        check_commands(doc, src, gan, problems, cache)
    for p in problems:
        print("docs_test:", p)
    if not problems:
        print(f"docs_test: {len(docs)} pages, every link and every documented gan option exists")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
