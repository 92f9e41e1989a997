#!/usr/bin/env bash
# Fetches the Twemoji 64x64 PNGs of the npm package emoji-datasource-twitter
# 16.0.0 (3,786 images) into data/emoji/, one subfolder per emoji category of
# the package's emoji.json (the layout model.conditional and gan classify read
# as labels). The tarball's sha256 is checked; the images are put together in a
# staging folder and moved in only when all are there, so a failed or
# interrupted fetch leaves no half-filled data/emoji/.
# Exit codes: 0 done (or already there), 4 a tool is missing, the download or
# its checksum failed.
# usage: scripts/fetch_emoji.sh [DEST]   (default: the project's data/emoji; a
#        relative DEST is taken from the current folder)
set -euo pipefail
DEST=${1:-$(dirname "$0")/../data/emoji}
mkdir -p "$(dirname "$DEST")"
DEST=$(cd "$(dirname "$DEST")" && pwd)/$(basename "$DEST")
cd "$(dirname "$0")/.."

PKG=emoji-datasource-twitter@16.0.0
SHA256=f64a530c63bca463bd8317fdc4615ce63a53a0c65018e4ce2d848aaba7a28877
IMAGES=3786
say() { echo "fetch_emoji: $*" >&2; }
# npm's own reason: its last line that is not blank or about its log file
npm_reason() { grep -v -e '^[[:space:]]*$' -e 'complete log' -e '_logs/' "$1" | tail -n 1; }

for tool in npm node tar sha256sum; do
  command -v "$tool" >/dev/null || { say "needs $tool (apt-get install nodejs npm)"; exit 4; }
done
count_images() { find "$1" -mindepth 2 -maxdepth 2 -name '*.png' 2>/dev/null | wc -l; }
if [ "$(count_images "$DEST")" -eq "$IMAGES" ]; then
  say "$DEST already holds the $IMAGES images"
  exit 0
fi

mkdir -p "$DEST"
STAGE=$(mktemp -d "$(dirname "$DEST")/.emoji-fetch.XXXXXX")
trap 'rm -rf "$STAGE"; rmdir "$DEST" 2>/dev/null || true' EXIT # an empty DEST is not left either
trap 'exit 130' INT
trap 'exit 143' TERM

if ! (cd "$STAGE" && npm pack "$PKG" --loglevel=error >pack.out 2>pack.err); then
  say "cannot download $PKG from the npm registry ($(npm_reason "$STAGE/pack.err")): is this machine offline?"
  exit 4
fi
TGZ=$STAGE/$(tail -n 1 "$STAGE/pack.out")
got=$(sha256sum "$TGZ" | cut -d' ' -f1)
if [ "$got" != "$SHA256" ]; then
  say "$(basename "$TGZ"): checksum mismatch (sha256 $got, expected $SHA256); nothing was extracted"
  exit 4
fi
tar -xzf "$TGZ" -C "$STAGE" package/emoji.json package/img/twitter/64

# Each image (skin-tone variants too) into the folder of its emoji's category.
node - "$STAGE/package" "$STAGE/out" "$IMAGES" <<'JS'
const fs = require("fs"), path = require("path");
const [pkg, out, want] = process.argv.slice(2);
const category = new Map();
for (const e of JSON.parse(fs.readFileSync(path.join(pkg, "emoji.json"), "utf8"))) {
  category.set(e.image, e.category);
  for (const v of Object.values(e.skin_variations || {})) category.set(v.image, e.category);
}
const src = path.join(pkg, "img/twitter/64");
const files = fs.readdirSync(src).filter((f) => f.endsWith(".png")).sort();
for (const f of files) {
  const c = category.get(f);
  if (!c) throw new Error(`${f}: not in emoji.json`);
  fs.mkdirSync(path.join(out, c), { recursive: true });
  fs.renameSync(path.join(src, f), path.join(out, c, f));
}
if (files.length !== Number(want)) throw new Error(`${files.length} images, expected ${want}`);
JS

# Move the category folders in; a category folder from an earlier partial
# fetch is replaced whole (nothing else in DEST is touched).
moved=()
trap 'rm -rf "$STAGE"; for d in "${moved[@]}"; do rm -rf "$DEST/$d"; done' EXIT
for d in "$STAGE"/out/*/; do
  name=$(basename "$d")
  rm -rf "${DEST:?}/$name"
  mv "$d" "$DEST/$name"
  moved+=("$name")
done
categories=${#moved[@]}
moved=()
say "$DEST ready: $IMAGES images in $categories category folders"
say "train with: gan train --config configs/emoji-64.json"
