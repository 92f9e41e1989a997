#!/usr/bin/env bash
# gan export without outside tools: what it writes, and one-line refusals
# that write nothing (the wrong kind of checkpoint, a folder that is not
# empty, a missing or other runtime, an unwritable path, usage mistakes).
# tests/web/onnx_parity.sh runs what it writes. usage: export_test.sh GAN_BINARY SOURCE_DIR
set -u
GAN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$2
T=$(mktemp -d /tmp/gan_export_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/../common/check_lib.sh"

"$GAN" train "${TINY[@]}" --set train.steps=4 --set output.sample_every=0 --set "output.dir=$T/run" --quiet >/dev/null
G=$T/run/g.bin
# a stand-in for onnxruntime-web: the package's name, version and files
RT=$T/rt
mkdir -p "$RT/dist"
echo '{"name": "onnxruntime-web", "version": "1.17.0"}' >"$RT/package.json"
for f in ort.wasm.min.js ort-wasm.wasm ort-wasm-simd.wasm; do echo "$f" >"$RT/dist/$f"; done
nothing_beside() { test -z "$(find "$1" -maxdepth 1 -name '.*.export-*')"; }

# ---- the model
expect 0 "" "$GAN" export --ckpt "$G" --onnx "$T/g.onnx"
check "prints the model's path" test "$(cat "$T/out")" = "$T/g.onnx"
check "the model starts with ir_version 7" test "$(head -c 2 "$T/g.onnx" | od -An -tx1 | tr -d ' ')" = 0807
check "its metadata names the checkpoint" grep -q "gan.source" "$T/g.onnx"
cp "$T/g.onnx" "$T/first.onnx"
expect 0 "" "$GAN" export --ckpt "$G" --onnx "$T/g.onnx" --quiet
check "--quiet prints nothing" test ! -s "$T/out"
check "the same checkpoint gives the same bytes" cmp -s "$T/g.onnx" "$T/first.onnx"
expect 3 "an ONNX model (gan export writes these), not a gan checkpoint" "$GAN" info "$T/g.onnx"
expect 3 "an ONNX model" "$GAN" sample --ckpt "$T/g.onnx"

# ---- the page's folder
expect 0 "" "$GAN" export --ckpt "$G" --web "$T/site" --runtime "$RT"
check "prints the folder" test "$(cat "$T/out")" = "$T/site"
for f in index.html generator.onnx generator.json ort/ort.wasm.min.js ort/ort-wasm.wasm ort/ort-wasm-simd.wasm ort/NOTICE; do
  check "the folder holds $f" test -s "$T/site/$f"
done
check "the folder's model is --onnx's" cmp -s "$T/site/generator.onnx" "$T/g.onnx"
check "the runtime's files are copied unchanged" cmp -s "$T/site/ort/ort-wasm.wasm" "$RT/dist/ort-wasm.wasm"
check "generator.json gives the shape" grep -q '"image_size":	16' "$T/site/generator.json"
check "the folder is readable by a server (0755)" test "$(stat -c %a "$T/site")" = 755
check "nothing is left beside it" nothing_beside "$T"
expect 0 "" "$GAN" export --ckpt "$G" --onnx "$T/both.onnx" --web "$T/both" --runtime "$RT"
check "--onnx and --web together print both paths" test "$(tr '\n' ' ' <"$T/out")" = "$T/both.onnx $T/both "
mkdir "$T/empty"
expect 0 "" "$GAN" export --ckpt "$G" --web "$T/empty/" --runtime "$RT"
check "an empty folder is filled" test -s "$T/empty/index.html"
GAN_WEB_RUNTIME=$RT expect 0 "" "$GAN" export --ckpt "$G" --web "$T/env"
check "GAN_WEB_RUNTIME names the runtime" test -s "$T/env/ort/NOTICE"
(cd "$T" && mkdir -p data/npm && cp -r "$RT" data/npm/onnxruntime-web && "$GAN" export --ckpt "$G" --web rel --quiet)
check "the default runtime is data/npm/onnxruntime-web, a relative folder is the working folder's" test -s "$T/rel/index.html"

# ---- refusals: one line, the right code, nothing written
echo mine >"$T/site/notes.txt"
cp "$T/site/index.html" "$T/index.before"
expect 3 "$T/site: is not empty; choose a new folder, or write the page's files into it with --force" \
  "$GAN" export --ckpt "$G" --web "$T/site" --runtime "$RT"
check "the refused folder is untouched" cmp -s "$T/site/index.html" "$T/index.before"
check "and nothing is left beside it" nothing_beside "$T"
expect 0 "" "$GAN" export --ckpt "$G" --web "$T/site" --runtime "$RT" --force
check "--force writes the page's files and keeps the others" test "$(cat "$T/site/notes.txt")" = mine
check "and leaves nothing beside it" nothing_beside "$T"
for kind in d.bin:"a discriminator checkpoint (d.bin)" state.bin:"a training state (state.bin)"; do
  expect 3 "${kind#*:}; gan export takes a generator (g.bin)" "$GAN" export --ckpt "$T/run/${kind%%:*}" --onnx "$T/x.onnx"
done
check "nothing written for the wrong kind" test ! -e "$T/x.onnx"
expect 4 "$T/missing.bin: cannot open" "$GAN" export --ckpt "$T/missing.bin" --onnx "$T/x.onnx"
touch "$T/afile"
expect 4 "$T/afile/x.onnx" "$GAN" export --ckpt "$G" --onnx "$T/afile/x.onnx"
expect 3 "$T/afile: exists and is not a folder" "$GAN" export --ckpt "$G" --web "$T/afile" --runtime "$RT"
expect 4 "$T/nort/package.json: cannot open" "$GAN" export --ckpt "$G" --web "$T/w1" --runtime "$T/nort"
check "the missing-runtime error says how to get it" grep -q "scripts/fetch_data.sh onnxruntime-web" "$T/err"
sed 's/1.17.0/1.18.0/' "$RT/package.json" >"$T/p.json" && mkdir -p "$T/rt2/dist" && cp "$RT"/dist/* "$T/rt2/dist/" && mv "$T/p.json" "$T/rt2/package.json"
expect 3 "onnxruntime-web 1.18.0; the page is written for 1.17.0" "$GAN" export --ckpt "$G" --web "$T/w2" --runtime "$T/rt2"
rm "$T/rt2/dist/ort-wasm.wasm" && cp "$RT/package.json" "$T/rt2/package.json"
expect 4 "$T/rt2/dist/ort-wasm.wasm: missing" "$GAN" export --ckpt "$G" --web "$T/w3" --runtime "$T/rt2"
mkdir "$T/rt3" && echo '{"name": "left-pad", "version": "1.17.0"}' >"$T/rt3/package.json"
expect 3 "$T/rt3/package.json: not onnxruntime-web's package.json" "$GAN" export --ckpt "$G" --web "$T/w4" --runtime "$T/rt3"
check "no folder was made for a refused export" test ! -e "$T/w1" -a ! -e "$T/w2" -a ! -e "$T/w3"
check "a refused --web writes no --onnx either" sh -c "! '$GAN' export --ckpt '$G' --onnx '$T/y.onnx' --web '$T/w5' --runtime '$T/nort' 2>/dev/null && test ! -e '$T/y.onnx'"
expect 2 "nothing to write: give --onnx FILE and/or --web DIR" "$GAN" export --ckpt "$G"
expect 2 "--ckpt FILE is required" "$GAN" export --onnx "$T/x.onnx"
expect 2 "--force goes with --web" "$GAN" export --ckpt "$G" --onnx "$T/x.onnx" --force
expect 2 "--runtime goes with --web" "$GAN" export --ckpt "$G" --onnx "$T/x.onnx" --runtime "$RT"
expect 2 "unexpected argument" "$GAN" export --ckpt "$G" --onnx "$T/x.onnx" extra
expect 0 "" "$GAN" export --help
check "--help names the ONNX inputs" grep -q "labels \[n\] int64" "$T/out"

echo "export_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
