#!/usr/bin/env bash
# Runs every case of tests/bad_inputs/cases.tsv: each malformed input must
# give its exit code and a one-line error containing the expected text and
# naming the file. usage: bad_inputs.sh GAN_BINARY SOURCE_DIR
set -u
GAN=$1
SRC=$2
DIR=$SRC/tests/e2e/bad_inputs
G=$SRC/tests/fuzz/corpus/checkpoint/g.bin
CG=$SRC/tests/fuzz/corpus/checkpoint/g-cond.bin   # conditional, classes "0".."9"
COND=(--config "$SRC/configs/mnist-dcgan-classic.json" --set model.conditional=true --set "data.path=$SRC/data/mnist10k/images-idx3-ubyte.gz"
      --set "data.labels=$SRC/data/mnist10k/labels-idx1-ubyte.gz")
T=$(mktemp -d /tmp/gan_bad_XXXXXX)
trap 'rm -rf "$T"' EXIT
touch "$T/file"
pass=0 fail=0 n=0
while IFS=$'\t' read -r kind file code want; do
  case "$kind" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  path=$DIR/files/$file
  file=${file//@T/$T}; file=${file//@F/$T/file}
  base=$(basename -- "$file")
  case "$kind" in
    config) cmd=("$GAN" train --config "$path" --set "output.dir=$T/run$n" --quiet) ;;
    ckpt) cmd=("$GAN" sample --ckpt "$path" --out "$T/s.png" --quiet) ;;
    idx) cmd=("$GAN" train --config "$SRC/configs/mnist-dcgan-classic.json" --set "data.path=$path" --set "output.dir=$T/run$n" --quiet) ;;
    image) mkdir -p "$T/img$n" && cp "$path" "$T/img$n/"
           cmd=("$GAN" train --config "$SRC/configs/folder-64-rgb.json" --set "data.path=$T/img$n" --set "output.dir=$T/run$n" --quiet) ;;
    npy) cmd=("$GAN" sample --ckpt "$G" --z-in "$path" --out "$T/s.png" --quiet) ;;
    out) cmd=("$GAN" sample --ckpt "$G" -n 4 --out "$file" --quiet); base=$(basename "$file") ;;
    labels) cmd=("$GAN" train "${COND[@]}" --set "data.labels=$path" --set "output.dir=$T/run$n" --quiet) ;;
    cifar) cmd=("$GAN" train "${COND[@]}" --set data.format=cifar10 --set "data.path=$path" --set data.channels=3
                --set "output.dir=$T/run$n" --quiet) ;;
    classes) cmd=("$GAN" train "${COND[@]}" --set data.format=folder --set "data.path=$path" --set data.image_size=16
                  --set data.fit=resize --set train.batch_size=2 --set "output.dir=$T/run$n" --quiet) ;;
    class) cmd=("$GAN" sample --ckpt "$CG" --class "$file" --out "$T/s.png" --quiet) ;;
    uclass) cmd=("$GAN" sample --ckpt "$G" --class "$file" --out "$T/s.png" --quiet); base=g.bin ;;
    labelsnpy) cmd=("$GAN" sample --ckpt "$CG" -n 4 --labels-in "$path" --out "$T/s.png" --quiet) ;;
    rundir) cmd=("$GAN" train --config "$SRC/configs/mnist-dcgan-classic.json" --set "data.path=$SRC/data/mnist10k/images-idx3-ubyte.gz" --set "output.dir=$file" --quiet) ;;
    *) echo "bad_inputs: unknown kind '$kind'" >&2; fail=$((fail + 1)); continue ;;
  esac
  [ "$kind" = config ] && [ "$file" = missing-data.json ] && base=train-images.gz
  "${cmd[@]}" >"$T/out" 2>"$T/err"
  rc=$?
  err=$(cat "$T/err")
  if [ "$rc" -ne "$code" ]; then
    echo "FAIL $kind $file: exit $rc, expected $code: $err" >&2; fail=$((fail + 1))
  elif [ "$(wc -l <"$T/err")" -ne 1 ]; then
    echo "FAIL $kind $file: error is not one line: $err" >&2; fail=$((fail + 1))
  elif [[ "$err" != *"$want"* ]]; then
    echo "FAIL $kind $file: '$err' lacks '$want'" >&2; fail=$((fail + 1))
  elif [[ "$err" != *"$base"* ]]; then
    echo "FAIL $kind $file: '$err' does not name the file" >&2; fail=$((fail + 1))
  else
    pass=$((pass + 1))
  fi
done <"$DIR/cases.tsv"
# A sample written over an earlier good file must leave it intact when it fails.
"$GAN" sample --ckpt "$G" -n 4 --out "$T/keep.png" --quiet && cp "$T/keep.png" "$T/keep.orig"
"$GAN" sample --ckpt "$DIR/files/ckpt-trunc-data.bin" -n 4 --out "$T/keep.png" --quiet 2>/dev/null
if cmp -s "$T/keep.png" "$T/keep.orig"; then pass=$((pass + 1)); else echo "FAIL: a failed sample damaged the earlier output" >&2; fail=$((fail + 1)); fi
echo "bad_inputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
