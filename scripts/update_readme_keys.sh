#!/usr/bin/env bash
# Regenerates the README's table of config keys from 'gan train --print-keys'
# (the same table the parser uses), so the two cannot drift.
# usage: scripts/update_readme_keys.sh [GAN_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
GAN=${1:-build/gan}
table=$("$GAN" train --print-keys)
python3 - "$table" <<'PY'
import sys
table = sys.argv[1].rstrip("\n") + "\n"
s = open("README.md").read()
start = s.index("| key | type | default | meaning |")
end = s.index("\n\n", start) + 1
open("README.md", "w").write(s[:start] + table + s[end:])
PY
