#!/usr/bin/env bash
# gan export's models run elsewhere: for four tiny generators (32x32 grey
# and 64x64 RGB; unconditional, concat-conditional, conditional batchnorm)
# Debian's python3-onnx checker accepts the model, ONNX Runtime for Node.js
# (onnxruntime-node 1.17.0) gives gan sample's images to 1e-5 on gan
# sample's latents and labels, and the --web page in Debian's chromium
# draws gan sample's grids (tests/web/page_test.js). Needs python3-onnx,
# node, chromium and scripts/fetch_npm.sh's packages in SOURCE_DIR/data/npm
# (scripts/test.sh installs them all); exit 77 (skipped) without them,
# unless GAN_REQUIRE_ONNX=1.
# usage: onnx_parity.sh GAN_BINARY SOURCE_DIR PYTHON
set -u
GAN=$1
SRC=$2
PY=${3:-/usr/bin/python3}
NPM=$SRC/data/npm
missing=""
"$PY" -c 'import onnx' 2>/dev/null || missing+=" python3-onnx"
command -v node >/dev/null || missing+=" nodejs"
[ -x /usr/bin/chromium ] || missing+=" chromium"
for p in onnxruntime-node onnxruntime-common onnxruntime-web playwright-core; do
  [ -f "$NPM/$p/package.json" ] || missing+=" $p (scripts/fetch_npm.sh)"
done
if [ -n "$missing" ]; then
  echo "onnx_parity: skipped, missing:$missing" >&2
  [ "${GAN_REQUIRE_ONNX:-0}" = 1 ] && exit 1 || exit 77
fi
T=$(mktemp -d /tmp/gan_onnx_XXXXXX)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$T"' EXIT
source "$(dirname "$0")/../common/check_lib.sh"
export NODE_PATH=$NPM
HERE=$(cd "$(dirname "$0")" && pwd)

# ---- four tiny generators
BASE=(--config "$SRC/configs/mnist-dcgan-classic.json" --set "data.path=$SRC/data/mnist10k/images-idx3-ubyte.gz"
      --set data.fit=resize --set data.limit=512 --set model.nz=8 --set model.ngf=8 --set model.ndf=8
      --set train.batch_size=16 --set output.sample_count=16 --set train.steps=20 --set output.sample_every=0 --set output.checkpoint_every=0 --set train.threads=1)
COND=(--set model.conditional=true --set "data.labels=$SRC/data/mnist10k/labels-idx1-ubyte.gz")
"$GAN" train "${BASE[@]}" --set data.image_size=32 --set "output.dir=$T/u32" --quiet >/dev/null
"$GAN" train "${BASE[@]}" "${COND[@]}" --set model.g_condition=concat --set data.image_size=32 \
  --set "output.dir=$T/c32" --quiet >/dev/null
# colour: two class folders of 32x32 grey PNGs, read as RGB at 64x64
mkdir -p "$T/folder/a" "$T/folder/b"
for i in $(seq 1 16); do
  "$GAN" sample --ckpt "$T/u32/g.bin" -n 1 --seed "$i" --out "$T/folder/a/$i.png" --quiet
  "$GAN" sample --ckpt "$T/c32/g.bin" -n 1 --seed "$i" --out "$T/folder/b/$i.png" --quiet
done
RGB=(--set data.format=folder --set "data.path=$T/folder" --set data.channels=3 --set data.image_size=64
     --set data.limit=0)
"$GAN" train "${BASE[@]}" "${RGB[@]}" --set "output.dir=$T/u64" --quiet >/dev/null
"$GAN" train "${BASE[@]}" "${RGB[@]}" --set model.conditional=true --set model.g_condition=batchnorm \
  --set "output.dir=$T/b64" --quiet >/dev/null
for m in u32 c32 u64 b64; do check "$m: trained" test -s "$T/$m/g.bin"; done

# ---- the model: checked by onnx, run by ONNX Runtime, against gan sample
for m in u32 c32 u64 b64; do
  expect 0 "" "$GAN" export --ckpt "$T/$m/g.bin" --onnx "$T/$m.onnx"
  check "$m: stdout is the model's path" test "$(cat "$T/out")" = "$T/$m.onnx"
  out=$("$PY" -c "import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)" "$T/$m.onnx" 2>&1)
  rc=$?
  check "$m: onnx.checker (full check, shape inference) accepts it${out:+: $out}" test "$rc" -eq 0
  for n in 1 50; do
    labels=-
    case $m in c32 | b64) labels=$T/l.npy ;; esac
    extra=()
    [ "$labels" != - ] && extra=(--labels-out "$labels")
    "$GAN" sample --ckpt "$T/$m/g.bin" -n "$n" --seed 3 --z-out "$T/z.npy" --npy "$T/x.npy" "${extra[@]}" --out "$T/s.png" --quiet
    out=$(node "$HERE/onnx_run.js" "$T/$m.onnx" "$T/z.npy" "$labels" "$T/x.npy" 1e-5 2>&1)
    rc=$?
    check "$m, n=$n: ONNX Runtime's images are gan sample's ($out)" test "$rc" -eq 0
  done
done
"$PY" -c "import onnx,sys; m=onnx.load(sys.argv[1]); sys.exit(sorted({n.op_type for n in m.graph.node}) != ['BatchNormalization','Concat','ConvTranspose','Gather','Relu','Reshape','Tanh'])" "$T/c32.onnx"
check "the concat generator's operators are the standard few" test $? -eq 0
"$PY" -c "import onnx,sys; m=onnx.load(sys.argv[1]); i={x.name: [d.dim_param or d.dim_value for d in x.type.tensor_type.shape.dim] for x in list(m.graph.input)+list(m.graph.output)}; sys.exit(i != {'z': ['n', 8], 'labels': ['n'], 'images': ['n', 3, 64, 64]})" "$T/b64.onnx"
check "inputs z [n, nz] and labels [n], output images [n, C, H, W], n dynamic" test $? -eq 0

# ---- the page, in chromium, against gan sample
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/site"
(cd "$T/site" && exec "$PY" -m http.server "$PORT" --bind 127.0.0.1 >/dev/null 2>&1) &
SERVER=$!
for m in u32 b64; do
  expect 0 "" "$GAN" export --ckpt "$T/$m/g.bin" --web "$T/site/$m" --runtime "$NPM/onnxruntime-web"
  mkdir -p "$T/want-$m"
  for s in 7 8; do "$GAN" sample --ckpt "$T/$m/g.bin" --seed "$s" -n 64 --npy "$T/want-$m/seed$s.npy" --out "$T/s.png" --quiet; done
  [ "$m" = b64 ] && "$GAN" sample --ckpt "$T/$m/g.bin" --seed 7 --class all --nrow 8 --npy "$T/want-$m/all.npy" --out "$T/s.png" --quiet
  node "$HERE/page_test.js" "http://127.0.0.1:$PORT/$m/index.html" "$T/want-$m" >"$T/page.out" 2>&1
  rc=$?
  check "$m: the page in chromium draws gan sample's grids: $(grep -c '^ok' "$T/page.out") checks ok$(grep -v '^ok' "$T/page.out" | head -3 | tr '\n' ' ')" test "$rc" -eq 0
done

echo "onnx_parity: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
