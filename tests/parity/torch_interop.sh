#!/usr/bin/env bash
# g.bin loads into PyTorch's nn.Sequential and gives gan sample's images.
# usage: torch_interop.sh GAN_BINARY SOURCE_DIR PYTHON
set -u
GAN=$1 SRC=$2 PY=$3
T=$(mktemp -d /tmp/gan_interop_XXXXXX)
trap 'rm -rf "$T"' EXIT
if ! "$PY" -c "import torch" 2>/dev/null; then
  echo "torch_interop: no PyTorch for $PY" >&2
  [ "${GAN_REQUIRE_TORCH:-0}" = 1 ] && exit 1 || exit 77
fi
pass=0 fail=0
for arch in "32 1" "64 3"; do
  set -- $arch
  "$GAN" train --config "$SRC/configs/mnist.json" --set "data.path=$SRC/data/mnist10k/images-idx3-ubyte.gz" \
    --set data.image_size=$1 --set data.channels=$2 --set data.fit=resize --set data.limit=256 \
    --set model.nz=16 --set model.ngf=8 --set model.ndf=8 --set train.batch_size=16 --set train.steps=3 \
    --set output.sample_count=16 --set "output.dir=$T/run$1" --quiet >/dev/null &&
  "$GAN" sample --ckpt "$T/run$1/g.bin" -n 20 --z-out "$T/z.npy" --npy "$T/x.npy" --out "$T/s.png" --quiet &&
  "$PY" "$SRC/scripts/torch/compare_torch_sample.py" "$T/run$1/g.bin" "$T/z.npy" "$T/x.npy" && pass=$((pass + 1)) || fail=$((fail + 1))
done
echo "torch_interop: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
