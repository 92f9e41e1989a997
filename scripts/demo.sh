#!/usr/bin/env bash
# The main job: install what is missing, build, train the classifier that
# measures sample quality, train the default MNIST DCGAN on the bundled
# 10,000 digits with FID checks every 250 steps, then write a grid of 64
# samples, the final evaluation and a plot of the training curves.
# Running it again continues (or, when finished, reuses) runs/mnist.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
RUN=runs/mnist
CLS=runs/mnist-classifier/classifier.bin
[ -f "$CLS" ] || build/gan classify train --config configs/mnist-classifier.json >/dev/null
if [ -f "$RUN/state.bin" ]; then
  build/gan train --resume "$RUN"
else
  build/gan train --config configs/mnist.json --set "eval.classifier=$CLS" --set eval.every=250
fi
build/gan sample --ckpt "$RUN/g.bin" -n 64 --out "$RUN/samples.png"
build/gan eval --ckpt "$RUN/g.bin" --classifier "$CLS" -n 5000 --quiet | tee "$RUN/eval.txt"
if command -v gnuplot >/dev/null; then scripts/plot_metrics.sh "$RUN" >/dev/null; fi
echo "demo: samples in $RUN/samples.png, evaluation in $RUN/eval.txt, curves in $RUN/metrics.csv and $RUN/metrics.png" >&2
