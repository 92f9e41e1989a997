#!/usr/bin/env bash
# g.bin loads into PyTorch's nn.Sequential and gives gan sample's images.
# usage: torch_interop.sh GAN_BINARY SOURCE_DIR PYTHON
set -u
GAN=$1 SRC=$2 PY=$3
T=$(mktemp -d /tmp/gan_interop_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$SRC/tests/common/check_lib.sh"
if ! "$PY" -c "import torch" 2>/dev/null; then
  echo "torch_interop: no PyTorch for $PY" >&2
  [ "${GAN_REQUIRE_TORCH:-0}" = 1 ] && exit 1 || exit 77
fi
pass=0 fail=0
for arch in "32 1" "64 3"; do
  set -- $arch
  "$GAN" train "${TINY[@]}" --set data.image_size=$1 --set data.channels=$2 --set data.limit=256 \
    --set model.nz=16 --set train.steps=3 --set "output.dir=$T/run$1" --quiet >/dev/null &&
  "$GAN" sample --ckpt "$T/run$1/g.bin" -n 20 --z-out "$T/z.npy" --npy "$T/x.npy" --out "$T/s.png" --quiet &&
  "$PY" "$SRC/scripts/torch/compare_torch_sample.py" "$T/run$1/g.bin" "$T/z.npy" "$T/x.npy" && pass=$((pass + 1)) || fail=$((fail + 1))
done
# conditional checkpoints (both ways of giving G the class) load into cond_dcgan.py's twins and match
for gc in concat batchnorm; do
  "$GAN" train "${TINY[@]}" --set model.conditional=true --set model.g_condition=$gc --set data.image_size=32 \
    --set data.fit=pad --set data.limit=256 --set model.nz=16 --set train.steps=3 --set train.ema=0.9 \
    --set "output.dir=$T/cond$gc" --quiet >/dev/null &&
  "$GAN" sample --ckpt "$T/cond$gc/g.bin" -n 20 --z-out "$T/z.npy" --labels-out "$T/y.npy" --npy "$T/x.npy" \
    --out "$T/s.png" --quiet &&
  "$PY" "$SRC/scripts/torch/compare_torch_sample.py" "$T/cond$gc/g.bin" "$T/z.npy" "$T/x.npy" --labels "$T/y.npy" &&
  pass=$((pass + 1)) || fail=$((fail + 1))
done
# and a conditional, spectral-norm d.bin into ProjectionDiscriminator
"$GAN" train "${TINY[@]}" --set model.conditional=true --set data.limit=64 --set model.nz=4 --set model.ngf=4 \
  --set model.ndf=4 --set train.steps=2 --set model.d_norm=spectral --set output.sample_count=4 \
  --set "output.dir=$T/csn" --quiet >/dev/null &&
"$PY" - "$SRC/scripts/torch" "$T/csn/d.bin" <<'PY' && pass=$((pass + 1)) || fail=$((fail + 1))
import json, sys
sys.path.insert(0, sys.argv[1])
import torch, cond_dcgan, st_write
tensors, meta = st_write.load(sys.argv[2])
a = json.loads(meta["arch"])
D = cond_dcgan.ProjectionDiscriminator(a["image_size"], a["channels"], a["ndf"], a["classes"], a["d_norm"])
D.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
print("torch_interop: a conditional spectral-norm d.bin loads strictly into ProjectionDiscriminator")
PY
# a spectral-norm discriminator's d.bin loads strictly into PyTorch's spectral_norm twin
"$GAN" train "${TINY[@]}" --set data.limit=64 --set model.nz=4 --set model.ngf=4 --set model.ndf=4 \
  --set train.steps=2 --set model.d_norm=spectral --set output.sample_count=4 --set "output.dir=$T/sn" \
  --quiet >/dev/null &&
"$PY" - "$SRC/scripts/torch" "$T/sn/d.bin" <<'PY' && pass=$((pass + 1)) || fail=$((fail + 1))
import json, sys
sys.path.insert(0, sys.argv[1])
import torch, dcgan_torch, st_write
tensors, meta = st_write.load(sys.argv[2])
a = json.loads(meta["arch"])
D = dcgan_torch.discriminator(a["image_size"], a["channels"], a["ndf"], a.get("d_norm", "batchnorm"))
D.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
print("torch_interop: a spectral-norm d.bin loads strictly into PyTorch (" + ", ".join(sorted(tensors)[:3]) + ", ...)")
PY
echo "torch_interop: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
