#!/usr/bin/env bash
# Pins the numerics: a short training run's g.bin and d.bin tensor bytes
# (the safetensors data section, not the metadata) must hash to the values
# in golden.txt, for 1 and for 2 threads. A change that alters the numerics
# on purpose updates golden.txt in the same commit and says why
# (GAN_GOLDEN_PRINT=1 prints the new lines).
# Then the recipe's other paths (spectral norm, hinge, DiffAugment, a
# conditional G and D, EMA) must give the same bytes on 1 and 2 threads too.
# OpenBLAS's kernels differ in rounding between CPU types, so the test pins
# them: OPENBLAS_CORETYPE=Haswell (AVX2), which any x86-64 CPU with AVX2 runs.
# usage: golden_test.sh GAN_BINARY SOURCE_DIR
set -u
GAN=$1
SRC=$2
T=$(mktemp -d /tmp/gan_golden_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$SRC/tests/common/check_lib.sh"
if ! grep -qw avx2 /proc/cpuinfo; then
  echo "golden_test: skipped: the pinned OpenBLAS kernels (Haswell) need an AVX2 CPU" >&2
  exit 77
fi
export OPENBLAS_CORETYPE=Haswell

# sha256 of a safetensors file's data section (after the 8-byte length and the header)
tensor_hash() { st_data "$1" | sha256sum | cut -c1-16; }

got=""
for threads in 1 2; do
  "$GAN" train "${TINY[@]}" --set train.steps=20 --set train.seed=7 \
    --set output.sample_every=0 --set output.checkpoint_every=0 \
    --set "train.threads=$threads" --set "output.dir=$T/run$threads" --quiet >/dev/null || exit 1
  got+="threads=$threads g.bin $(tensor_hash "$T/run$threads/g.bin")"$'\n'
  got+="threads=$threads d.bin $(tensor_hash "$T/run$threads/d.bin")"$'\n'
done
if [ "${GAN_GOLDEN_PRINT:-0}" = 1 ]; then printf '%s' "$got"; exit 0; fi
want=$(grep -v '^#' "$SRC/tests/e2e/golden.txt")
if [ "$want" != "${got%$'\n'}" ]; then
  echo "golden_test: tensor hashes differ from tests/golden.txt" >&2
  diff <(echo "$want") <(printf '%s' "$got") >&2
  exit 1
fi

# Thread independence beyond the pinned run: every other layer and loss.
for variant in "model.d_norm=spectral train.loss=hinge" "train.augment=translation,cutout,color train.loss=lsgan" \
  "model.conditional=true model.d_norm=spectral train.class_loss=1"; do
  hashes=""
  for threads in 1 2; do
    sets=()
    for kv in $variant; do sets+=(--set "$kv"); done
    "$GAN" train --config "$SRC/configs/mnist-cond.json" "${TINY_SETS[@]}" --set model.conditional=false \
      --set train.class_loss=0 --set train.steps=12 --set train.seed=3 --set train.ema=0.9 \
      --set output.sample_every=0 --set output.checkpoint_every=0 "${sets[@]}" \
      --set "train.threads=$threads" --set "output.dir=$T/v$threads" --quiet >/dev/null || exit 1
    hashes+="$(tensor_hash "$T/v$threads/g.bin") $(tensor_hash "$T/v$threads/d.bin") $(tensor_hash "$T/v$threads/state.bin");"
    rm -rf "$T/v$threads"
  done
  if [ "${hashes%%;*}" != "$(echo "$hashes" | cut -d';' -f2)" ]; then
    echo "golden_test: 1 and 2 threads give different tensors with $variant" >&2
    exit 1
  fi
done
echo "golden_test: g.bin and d.bin tensors match tests/golden.txt (1 and 2 threads);" \
  "spectral norm, hinge, lsgan, DiffAugment, conditional and EMA runs give the same bytes on 1 and 2 threads"
