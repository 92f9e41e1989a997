#!/usr/bin/env bash
# Data-parallel speed on this machine: the training step of a config as
# 1 rank x 1 thread, 1 rank x 2 threads and 2 ranks x 1 thread, in one run,
# with the share of rank 0's time spent in exchanges between ranks; each in
# the default mode and with train.deterministic (byte-identical across ranks).
# A benchmark, not a test: it prints figures. Needs the machine to itself.
# usage: scripts/bench/bench_mpi.sh [GAN_BINARY] [CONFIG] [STEPS]
#   (defaults: build/gan, configs/mnist.json, 120 steps; the first 20 are warm-up)
set -euo pipefail
cd "$(dirname "$0")/../.."
GAN=$(realpath "${1:-build/gan}")
CONFIG=${2:-configs/mnist.json}
STEPS=${3:-120}
WARM=20
command -v mpirun >/dev/null || { echo "bench_mpi: no mpirun (apt-get install openmpi-bin)" >&2; exit 1; }
"$GAN" --version | grep -q '^mpi: .*mpirun' || { echo "bench_mpi: $GAN was built without MPI" >&2; exit 1; }
MPIRUN=(mpirun --oversubscribe)
[ "$(id -u)" = 0 ] && MPIRUN+=(--allow-run-as-root)
T=$(mktemp -d /tmp/gan_bench_mpi_XXXXXX)
trap 'rm -rf "$T"' EXIT
B=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["train"]["batch_size"])' "$CONFIG")

# img/s between the warm-up's end and the last step, from metrics.csv's train_s column (the 12th)
rate() {
  awk -F, -v warm="$WARM" -v b="$B" 'NR > 1 && $1 == warm { s0 = $12 } NR > 1 { s1 = $12; n = $1 }
    END { printf "%.1f", (n - warm) * b / (s1 - s0) }' "$1/metrics.csv"
}
run() { # name ranks threads deterministic
  local dir=$T/$1 ranks=$2 threads=$3 det=$4
  local args=(train --config "$CONFIG" --set "train.steps=$STEPS" --set "train.threads=$threads"
              --set "train.deterministic=$det"
              --set output.sample_every=0 --set output.checkpoint_every=0 --set output.log_every=$WARM
              --set eval.every=0 --set eval.classifier= --set "output.dir=$dir")
  if [ "$ranks" -gt 1 ]; then "${MPIRUN[@]}" -np "$ranks" "$GAN" "${args[@]}" >/dev/null 2>"$T/$1.err"
  else "$GAN" "${args[@]}" >/dev/null 2>"$T/$1.err"; fi
  local comm
  comm=$(sed -n 's/^gan: [0-9]* ranks; .* (\([0-9.]*%\)) of rank 0.s time.*/\1/p' "$T/$1.err")
  printf '| %d x %d | %s | %s | %s |\n' "$ranks" "$threads" "$([ "$det" = true ] && echo deterministic || echo default)" \
    "$(rate "$dir")" "${comm:--}"
}
echo "bench_mpi: $CONFIG, batch $B (global), steps $WARM..$STEPS; OpenBLAS ${OPENBLAS_CORETYPE:-choosing its kernels}; $(nproc) cores"
echo "| ranks x threads | sums | img/s | time in exchanges |"
echo "|---|---|---|---|"
for det in false true; do
  run "r1t1$det" 1 1 $det
  run "r1t2$det" 1 2 $det
  run "r2t1$det" 2 1 $det
done
