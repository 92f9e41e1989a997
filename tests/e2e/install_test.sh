#!/usr/bin/env bash
# cmake --install puts a working gan under a prefix: the binary, gan(1),
# the bash completion, the configs (naming the installed data), the bundled
# digits and the docs; the installed gan trains from any folder with the
# installed configs, and a relative data path that is missing says where
# relative paths are read from and where the installed configs are.
# usage: install_test.sh CMAKE BUILD_DIR
set -u
CMAKE=$1
BUILD=$2
T=$(mktemp -d /tmp/gan_install_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/../common/check_lib.sh"
P=$T/prefix

"$CMAKE" --install "$BUILD" --prefix "$P" >"$T/log" 2>&1
rc=$?
check "cmake --install exits 0 ($(tail -c 300 "$T/log"))" test "$rc" -eq 0
for f in bin/gan share/man/man1/gan.1.gz share/bash-completion/completions/gan share/doc/gan/README.md \
         share/doc/gan/LICENSE share/gan/configs/mnist.json share/gan/configs/mnist-classifier.json \
         share/gan/data/mnist10k/images-idx3-ubyte.gz share/gan/data/mnist10k/labels-idx1-ubyte.gz; do
  check "installed $f" test -s "$P/$f"
done
check "the installed binary is executable" test -x "$P/bin/gan"
check "install_manifest.txt lists the configs" grep -q "share/gan/configs/mnist.json" "$BUILD/install_manifest.txt"
check "installed mnist.json names the installed digits" \
  grep -qF "\"$P/share/gan/data/mnist10k/images-idx3-ubyte.gz\"" "$P/share/gan/configs/mnist.json"
check "installed mnist-classifier.json names the installed labels" \
  grep -qF "\"$P/share/gan/data/mnist10k/labels-idx1-ubyte.gz\"" "$P/share/gan/configs/mnist-classifier.json"
check "no installed config names data/mnist10k relatively" bash -c "! grep -l '\"data/mnist10k' '$P'/share/gan/configs/*.json"

mkdir -p "$T/elsewhere"
cd "$T/elsewhere"
"$P/bin/gan" --version >"$T/version" 2>&1
check "installed gan --version exits 0" test $? -eq 0
check "--version names the version" grep -qE '^gan [0-9]+\.[0-9]+\.[0-9]+$' "$T/version"
check "--version names the commit" grep -qE '^commit: ' "$T/version"
check "--version names the CPU target" grep -qE '^build: .*(portable|native)' "$T/version"
check "--version says which hot-loop code runs" grep -qE '^hot loops: ' "$T/version"
check "--version gives OpenBLAS's config" grep -qE '^openblas: OpenBLAS [0-9]' "$T/version"
if command -v man >/dev/null; then
  check "man -w finds the installed page" test "$(MANPATH="$P/share/man" man -w gan 2>/dev/null)" = "$P/share/man/man1/gan.1.gz"
  MANPATH="$P/share/man" MANWIDTH=100 man gan 2>/dev/null | col -bx >"$T/page"
  check "man gan shows the page" grep -q "gan train --config FILE" "$T/page"
fi
check "the completion file is what gan --completion prints" cmp -s "$P/share/bash-completion/completions/gan" <("$P/bin/gan" --completion)

"$P/bin/gan" train --config "$P/share/gan/configs/mnist.json" --set train.steps=5 --set output.dir=run \
  --set output.log_every=1 --quiet >"$T/out" 2>"$T/err"
rc=$?
check "installed gan trains 5 steps with the installed config, elsewhere ($(head -c 300 "$T/err"))" test "$rc" -eq 0
check "... and writes run/g.bin" test -s run/g.bin
check "... and prints its path" test "$(cat "$T/out")" = "run/g.bin"
"$P/bin/gan" sample --ckpt run/g.bin -n 4 --out s.png --quiet >/dev/null 2>&1
check "installed gan samples from it" test -s s.png

# the built-in relative default (a config without data.path), from a folder without data/
echo '{"train": {"steps": 1}}' >defaults.json
expect 4 "data.path is read from the current directory, $T/elsewhere; the installed MNIST configs in $P/share/gan/configs" \
  "$P/bin/gan" train --config defaults.json --set output.dir=run2
check "the failed start left no run folder" test ! -e run2
expect 4 "data.labels is read from the current directory" \
  "$P/bin/gan" classify train --config "$P/share/gan/configs/mnist-classifier.json" --set data.labels=labels.gz \
  --set output.dir=cls

echo "install_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
