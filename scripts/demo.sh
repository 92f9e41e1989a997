#!/usr/bin/env bash
# The main job: install what is missing, build, train the default MNIST DCGAN
# on the bundled 10,000 digits, then write a grid of 64 samples.
# Running it again continues (or, when finished, reuses) runs/mnist.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
RUN=runs/mnist
if [ -f "$RUN/state.bin" ]; then
  build/gan train --resume "$RUN"
else
  build/gan train --config configs/mnist.json
fi
build/gan sample --ckpt "$RUN/g.bin" -n 64 --out "$RUN/samples.png"
echo "demo: samples in $RUN/samples.png, training curves in $RUN/metrics.csv" >&2
