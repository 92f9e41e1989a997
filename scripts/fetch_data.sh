#!/usr/bin/env bash
# Downloads a data set into data/. Needs a network; says so clearly when there
# is none.
#   mnist, fashion-mnist: the full training images (IDX, gzipped)
#   emoji: 3,786 Twemoji 64x64 PNGs from the npm registry, one folder per
#          emoji category (scripts/fetch_emoji.sh)
# usage: scripts/fetch_data.sh mnist|fashion-mnist|emoji
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  emoji)
    exec bash scripts/fetch_emoji.sh ;;
  mnist)
    DEST=data/mnist
    BASE=https://ossci-datasets.s3.amazonaws.com/mnist ;;
  fashion-mnist)
    DEST=data/fashion-mnist
    BASE=http://fashion-mnist.s3-website.eu-central-1.amazonaws.com ;;
  *)
    echo "usage: scripts/fetch_data.sh mnist|fashion-mnist|emoji" >&2
    exit 2 ;;
esac
FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
if command -v curl >/dev/null; then
  get() { curl -fsSL --connect-timeout 10 -o "$2" "$1"; }
elif command -v wget >/dev/null; then
  get() { wget -q --timeout=10 -O "$2" "$1"; }
else
  echo "fetch_data: needs curl or wget (apt-get install curl)" >&2
  exit 1
fi
mkdir -p "$DEST"
for f in "${FILES[@]}"; do
  [ -s "$DEST/$f" ] && continue
  if ! get "$BASE/$f" "$DEST/$f.part"; then
    rm -f "$DEST/$f.part"
    echo "fetch_data: cannot download $BASE/$f: this machine seems to be offline." >&2
    echo "fetch_data: copy the four IDX files (${FILES[*]}) into $DEST/ by hand; gan reads them raw or gzipped." >&2
    exit 1
  fi
  mv "$DEST/$f.part" "$DEST/$f"
done
echo "fetch_data: $DEST ready (train with --set data.path=$DEST/train-images-idx3-ubyte.gz)" >&2
