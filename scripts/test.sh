#!/usr/bin/env bash
# Runs the whole test suite twice: a -Werror release build (and its Debian
# package, installed and tried), then an AddressSanitizer +
# UndefinedBehaviorSanitizer build, then a short libFuzzer pass over every
# fuzz target. Installs what is missing.
# usage: scripts/test.sh            (set GAN_TEST_FAST=1 to skip the sanitizer pass)
set -euo pipefail
cd "$(dirname "$0")/.."
export GAN_REQUIRE_TORCH=1   # the PyTorch parity tests must run, not skip
export GAN_REQUIRE_LINTIAN=1 # and the package is checked by lintian

# the tree is formatted as .clang-format says (when clang-format is here)
if command -v clang-format >/dev/null; then
  git ls-files '*.c' '*.h' 2>/dev/null | xargs -r clang-format --dry-run -Werror || { echo "test: run clang-format -i on the files above" >&2; exit 1; }
fi
export GAN_REQUIRE_ONNX=1    # and gan export's models run in ONNX Runtime and chromium
# the package test's tools: file (cpack's library scan runs it) and lintian;
# what runs gan export's models: python3-onnx, Node.js (with npm: Debian's
# unless another nodejs brings its own) and chromium
extra="file lintian python3-onnx nodejs chromium"
command -v npm >/dev/null || extra+=" npm"
GAN_EXTRA_PACKAGES=$extra scripts/setup.sh build -DGAN_WERROR=ON
# ONNX Runtime (Web, and for Node.js) and playwright-core, pinned, from npm's registry
scripts/fetch_npm.sh data/npm onnxruntime-web@1.17.0 onnxruntime-node@1.17.0 onnxruntime-common@1.17.0 \
  playwright-core@1.61.1
(cd build && ctest --output-on-failure -j2)
# the .deb: built, its fields and files checked, installed (as root) and run
tests/package/package_test.sh build
# the code an old CPU runs (the SSE2 baseline of every hot loop, no clones) gives the same numbers
scripts/setup.sh build-sse2 -DGAN_WERROR=ON -DGAN_DISPATCH=OFF >/dev/null
bash tests/e2e/golden_test.sh build-sse2/gan "$PWD"
# the benchmark still runs (a smoke run: figures from 2 steps mean nothing)
/usr/bin/python3 scripts/bench/bench.py --quick --gan build/gan >/dev/null
scripts/bench/bench_ab.sh --gan build/gan --rounds 1 --steps 2 'base:' 'EMA: train.ema=0.99' 2>/dev/null | grep -q '^| EMA | '
echo "bench smoke runs: ok"

if [ "${GAN_TEST_FAST:-0}" != 1 ]; then
  scripts/setup.sh build-asan -DGAN_WERROR=ON -DGAN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  # OpenBLAS keeps per-thread buffers for the life of the process; they are not leaks.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure -j2)
  # every fuzz target replays its seeds and regressions, then a fixed-seed pass
  # (exploratory fuzzing with random seeds: scripts/fuzz.sh SECONDS)
  scripts/fuzz.sh --ci
fi
