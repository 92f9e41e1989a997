#!/usr/bin/env bash
# Regenerates docs/configs.md's table of config keys from 'gan train --print-keys'
# (the same table the parser uses), so the two cannot drift.
# usage: scripts/update_config_docs.sh [GAN_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
GAN=${1:-build/gan}
table=$("$GAN" train --print-keys)
python3 - "$table" <<'PY'
import sys
table = sys.argv[1].rstrip("\n") + "\n"
s = open("docs/configs.md").read()
start = s.index("| key | type | default | meaning |")
end = s.index("\n\n", start) + 1
open("docs/configs.md", "w").write(s[:start] + table + s[end:])
PY
