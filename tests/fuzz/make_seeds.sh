#!/usr/bin/env bash
# Regenerates the fuzzers' seed corpora in tests/fuzz/corpus/ from a tiny
# model trained by the gan binary given. usage: make_seeds.sh GAN_BINARY
set -euo pipefail
GAN=$(realpath "$1")
cd "$(dirname "$0")"
C=corpus
rm -rf "$C" && mkdir -p "$C"/{config,checkpoint,idx,image,npy}
T=$(mktemp -d) && trap 'rm -rf "$T"' EXIT
cp ../../configs/*.json "$C/config/"
printf '{"train": {"batch_size": "64"}, "data": {"image_size": 48}}' >"$C/config/bad-types.json"
printf '{"model": {"nz": 1e9}, "output": {"dir": ""}}' >"$C/config/bad-ranges.json"
# a tiny generator/discriminator: 16x16, nz 2, widths 1
"$GAN" train --config ../../configs/mnist.json --set data.path=../../data/mnist10k/images-idx3-ubyte.gz \
  --set data.image_size=16 --set data.fit=resize --set data.limit=8 --set model.nz=2 --set model.ngf=1 \
  --set model.ndf=1 --set train.batch_size=4 --set train.steps=1 --set output.sample_count=4 \
  --set "output.dir=$T/run" --quiet >/dev/null
cp "$T/run/g.bin" "$C/checkpoint/g.bin"
cp "$T/run/d.bin" "$C/checkpoint/d.bin"
# the same, growing from 4x4, saved in its 8x8 phase's fade (metadata phase, to_rgb/from_rgb tensors)
"$GAN" train --config ../../configs/mnist.json --set data.path=../../data/mnist10k/images-idx3-ubyte.gz \
  --set data.image_size=16 --set data.fit=resize --set data.limit=8 --set model.nz=2 --set model.ngf=1 \
  --set model.ndf=1 --set train.batch_size=4 --set train.steps=3 --set output.sample_count=4 \
  --set model.progressive=true --set model.start_size=4 --set model.phase_steps=2 --set model.fade_steps=2 \
  --set "output.dir=$T/grow" --quiet >/dev/null
cp "$T/grow/g.bin" "$C/checkpoint/g-grow.bin"
cp "$T/grow/d.bin" "$C/checkpoint/d-grow.bin"
# a tiny classifier: 16x16, width 1, hidden 2, 2 classes
"$GAN" classify train --config ../../configs/mnist-classifier.json --set data.path=../../data/mnist10k/images-idx3-ubyte.gz \
  --set data.labels=../../data/mnist10k/labels-idx1-ubyte.gz --set data.image_size=16 --set data.fit=resize --set data.limit=40 \
  --set classifier.width=1 --set classifier.hidden=2 --set classifier.epochs=1 --set train.batch_size=4 \
  --set "output.dir=$T/cls" --quiet >/dev/null
cp "$T/cls/classifier.bin" "$C/checkpoint/classifier.bin"
# IDX: 2 images of 4x3, and a label file
printf '\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x04\x00\x00\x00\x03' >"$C/idx/two.idx"
head -c 24 /dev/urandom >>"$C/idx/two.idx"
printf '\x00\x00\x08\x01\x00\x00\x00\x02\x07\x03' >"$C/idx/labels.idx"
# images: the 16x16 sample grid (PNG) and the same as BMP and JPEG
"$GAN" sample --ckpt "$T/run/g.bin" -n 1 --nrow 1 --out "$C/image/one.png" --quiet >/dev/null
"$GAN" sample --ckpt "$T/run/g.bin" -n 4 --out "$C/image/four.png" --quiet >/dev/null
cat >"$T/conv.c" <<'C'
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_write.h>
int main(int c, char **v) { int w, h, n; unsigned char *p = stbi_load(v[1], &w, &h, &n, 3);
  return !(p && stbi_write_bmp(v[2], w, h, 3, p) && stbi_write_jpg(v[3], w, h, 3, p, 80)); }
C
cc -O1 -I/usr/include/stb "$T/conv.c" -o "$T/conv" -lm
"$T/conv" "$C/image/four.png" "$C/image/four.bmp" "$C/image/four.jpg"
# .npy: latents and images
"$GAN" sample --ckpt "$T/run/g.bin" -n 2 --z-out "$C/npy/z.npy" --npy "$C/npy/images.npy" --out "$T/s.png" --quiet >/dev/null
ls -la "$C"/*
