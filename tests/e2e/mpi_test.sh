#!/usr/bin/env bash
# Data-parallel training under mpirun: 2 ranks against one process, thread
# and run-to-run independence, resume, a stop signal, a killed rank, and a
# batch that does not divide. Skipped (77) when gan was built without MPI or
# mpirun is missing.
# usage: mpi_test.sh GAN_BINARY SOURCE_DIR
set -u
GAN=$(realpath "$1")
SRC=$(realpath "$2")
T=$(mktemp -d /tmp/gan_mpi_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$SRC/tests/common/check_lib.sh"
if ! "$GAN" --version | grep -q '^mpi: .*mpirun' || ! command -v mpirun >/dev/null; then
  echo "mpi_test: skipped: gan built without MPI, or no mpirun (apt-get install libopenmpi-dev openmpi-bin)" >&2
  exit 77
fi
# root in CI containers; two ranks on however many cores there are
MPIRUN=(mpirun -np 2 --oversubscribe)
[ "$(id -u)" = 0 ] && MPIRUN+=(--allow-run-as-root)
# an ASan build: Open MPI's own allocations outlive MPI_Finalize (not gan's
# leaks); the suppressions match them by library, which needs full stacks
export LSAN_OPTIONS="suppressions=$SRC/tests/e2e/lsan_mpi.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
COMPARE=(python3 "$SRC/tests/e2e/compare_tensors.py")
quietly() { "$@" >/dev/null 2>&1; }

SMALL=("${TINY[@]}" --set output.sample_every=0
       --set output.checkpoint_every=0 --set output.log_every=10 --set train.seed=7 --set train.threads=1
       --set train.deterministic=false)

# ---- 2 ranks against one process: the same global batch, the same math
"$GAN" train "${SMALL[@]}" --set train.steps=20 --set "output.dir=$T/one" --quiet >/dev/null 2>&1
"${MPIRUN[@]}" "$GAN" train "${SMALL[@]}" --set train.steps=20 --set "output.dir=$T/two" >"$T/out" 2>"$T/err"
rc=$?
check "2 ranks: exit 0 ($(head -c 300 "$T/err"))" test "$rc" -eq 0
check "2 ranks: stdout is the g.bin path once" test "$(cat "$T/out")" = "$T/two/g.bin"
check "2 ranks: one start line, from rank 0, naming the ranks" \
  test "$(grep -c 'x 2 ranks (8 images each)' "$T/err")" -eq 1
check "2 ranks: log lines once (rank 0)" test "$(grep -c '^epoch .* step 20/20' "$T/err")" -eq 1
check "2 ranks: the share of time in exchanges is reported" grep -q '^gan: 2 ranks; .* in exchanges' "$T/err"
check "2 ranks: metrics rows of rank 0 only" test "$(cut -d, -f1 "$T/two/metrics.csv" | tr '\n' ' ')" = "step 10 20 "
for f in g.bin d.bin; do
  check "2 ranks vs 1 process after 20 steps: $f within 1e-5 relative ($("${COMPARE[@]}" "$T/one/$f" "$T/two/$f"))" \
    quietly "${COMPARE[@]}" "$T/one/$f" "$T/two/$f" --rtol 1e-5
done
check "2 ranks vs 1 process: the same logged losses (6 digits)" \
  cmp -s <(cut -d, -f1-6 "$T/one/metrics.csv") <(cut -d, -f1-6 "$T/two/metrics.csv")

# ---- the same bytes again, and with 2 threads per rank
"${MPIRUN[@]}" "$GAN" train "${SMALL[@]}" --set train.steps=20 --set "output.dir=$T/again" --quiet >/dev/null 2>&1
check "2 ranks, run twice: g.bin tensors byte-identical" cmp -s <(st_data "$T/two/g.bin") <(st_data "$T/again/g.bin")
"${MPIRUN[@]}" "$GAN" train "${SMALL[@]}" --set train.steps=20 --set train.threads=2 --set "output.dir=$T/t2" \
  --quiet >/dev/null 2>&1
check "2 ranks x 2 threads == 2 ranks x 1 thread (g.bin tensors)" cmp -s <(st_data "$T/two/g.bin") <(st_data "$T/t2/g.bin")
check "2 ranks x 2 threads == 2 ranks x 1 thread (d.bin tensors)" cmp -s <(st_data "$T/two/d.bin") <(st_data "$T/t2/d.bin")
# the recipe's other paths: spectral norm, hinge, DiffAugment, a conditional G and D with the class loss, EMA
REC=(--set "data.labels=$SRC/data/mnist10k/labels-idx1-ubyte.gz" --set model.conditional=true --set model.d_norm=spectral
     --set train.loss=hinge --set train.augment=translation,cutout,color --set train.ema=0.9 --set train.class_loss=0.5
     --set train.steps=12)
"$GAN" train "${SMALL[@]}" "${REC[@]}" --set "output.dir=$T/rec1" --quiet >/dev/null 2>&1
"${MPIRUN[@]}" "$GAN" train "${SMALL[@]}" "${REC[@]}" --set "output.dir=$T/rec2" --quiet >/dev/null 2>"$T/err"
check "2 ranks, conditional + spectral + hinge + DiffAugment + EMA: exit 0 ($(head -c 300 "$T/err"))" test -s "$T/rec2/g.bin"
check "... within 1e-5 of one process ($("${COMPARE[@]}" "$T/rec1/g.bin" "$T/rec2/g.bin"))" \
  quietly "${COMPARE[@]}" "$T/rec1/g.bin" "$T/rec2/g.bin" --rtol 1e-5

# ---- train.deterministic "auto" (the default): deterministic sums under MPI, plain sums in one process
"${MPIRUN[@]}" "$GAN" train "${SMALL[@]}" --set train.deterministic=auto --set train.steps=20 --set "output.dir=$T/auto2" \
  >/dev/null 2>"$T/err"
check "auto, 2 ranks: the start line says deterministic sums" grep -q 'x 2 ranks (8 images each), deterministic sums' "$T/err"
"$GAN" train "${SMALL[@]}" --set train.deterministic=true --set train.steps=20 --set "output.dir=$T/true1" --quiet \
  >/dev/null 2>&1
check "auto, 2 ranks == deterministic, 1 process (g.bin tensors, byte for byte)" \
  cmp -s <(st_data "$T/auto2/g.bin") <(st_data "$T/true1/g.bin")
"$GAN" train "${SMALL[@]}" --set train.deterministic=auto --set train.steps=20 --set "output.dir=$T/auto1" --quiet \
  >/dev/null 2>&1
check "auto, 1 process == plain sums, 1 process (g.bin tensors)" cmp -s <(st_data "$T/auto1/g.bin") <(st_data "$T/one/g.bin")

# ---- train.deterministic: byte-identical for 1, 2 and 4 ranks (8 partials of the batch)
MPIRUN4=("${MPIRUN[@]/#2/4}")
DET=("${SMALL[@]}" --set train.deterministic=true --set train.steps=20 --set output.log_every=7)
"$GAN" train "${DET[@]}" --set "output.dir=$T/det1" --quiet >/dev/null 2>&1
"${MPIRUN[@]}" "$GAN" train "${DET[@]}" --set "output.dir=$T/det2" --quiet >/dev/null 2>"$T/err"
check "deterministic, 2 ranks: exit 0 ($(head -c 300 "$T/err"))" test -s "$T/det2/g.bin"
"${MPIRUN4[@]}" "$GAN" train "${DET[@]}" --set "output.dir=$T/det4" --quiet >/dev/null 2>"$T/err"
check "deterministic, 4 ranks: exit 0 ($(head -c 300 "$T/err"))" test -s "$T/det4/g.bin"
for n in 2 4; do
  for f in g.bin d.bin state.bin; do
    check "deterministic: $n ranks == 1 process ($f tensors, byte for byte)" \
      cmp -s <(st_data "$T/det1/$f") <(st_data "$T/det$n/$f")
  done
done
for n in 2 4; do
  check "deterministic: $n ranks log the losses of 1 process (metrics.csv, every digit)" \
    cmp -s <(cut -d, -f1-6,9-11 "$T/det1/metrics.csv") <(cut -d, -f1-6,9-11 "$T/det$n/metrics.csv")
done
"${MPIRUN[@]}" "$GAN" train "${DET[@]}" --set train.steps=10 --set "output.dir=$T/dres" --quiet >/dev/null 2>&1
"$GAN" train --resume "$T/dres" --set train.steps=20 --quiet >/dev/null 2>&1
check "deterministic: 10 steps on 2 ranks + resume to 20 on 1 process == 20 steps on 1 (g.bin tensors)" \
  cmp -s <(st_data "$T/dres/g.bin") <(st_data "$T/det1/g.bin")
check "deterministic vs default, one process: the same sums to rounding ($("${COMPARE[@]}" "$T/one/g.bin" "$T/det1/g.bin"))" \
  quietly "${COMPARE[@]}" "$T/one/g.bin" "$T/det1/g.bin" --rtol 1e-5
"$GAN" train "${SMALL[@]}" "${REC[@]}" --set train.deterministic=true --set "output.dir=$T/drec1" --quiet >/dev/null 2>&1
"${MPIRUN[@]}" "$GAN" train "${SMALL[@]}" "${REC[@]}" --set train.deterministic=true --set "output.dir=$T/drec2" \
  --set train.threads=2 --quiet >/dev/null 2>&1
for f in g.bin d.bin state.bin; do
  check "deterministic, the recipe's paths: 2 ranks x 2 threads == 1 process ($f tensors)" \
    cmp -s <(st_data "$T/drec1/$f") <(st_data "$T/drec2/$f")
done
check "... and the same logged losses, class losses too (metrics.csv)" \
  cmp -s <(cut -d, -f1-6,13-14 "$T/drec1/metrics.csv") <(cut -d, -f1-6,13-14 "$T/drec2/metrics.csv")
"$GAN" train "${DET[@]}" --set train.batch_size=12 --set "output.dir=$T/d12" >"$T/out" 2>"$T/err"
rc=$?
check "deterministic, batch 12: exit 3 (got $rc)" test $rc -eq 3
check "deterministic, batch 12: one line naming the key" \
  test "$(grep -c 'train.deterministic cuts the batch into 8 equal partials; train.batch_size 12' "$T/err")" -eq 1
MPIRUN3=("${MPIRUN[@]/#2/3}")
"${MPIRUN3[@]}" "$GAN" train "${DET[@]}" --set train.batch_size=24 --set "output.dir=$T/d3" >"$T/out" 2>"$T/err"
rc=$?
check "deterministic on 3 ranks: exit 3 (got $rc)" test $rc -eq 3
check "deterministic on 3 ranks: said once" test "$(grep -c 'needs 1, 2, 4 or 8 ranks' "$T/err")" -eq 1
check "deterministic on 3 ranks: no run folder left" test ! -e "$T/d3"

# ---- resume under MPI: 10 steps + 10 == 20
"${MPIRUN[@]}" "$GAN" train "${SMALL[@]}" --set train.steps=10 --set "output.dir=$T/res" --quiet >/dev/null 2>&1
"${MPIRUN[@]}" "$GAN" train --resume "$T/res" --set train.steps=20 --quiet >/dev/null 2>"$T/err"
rc=$?
check "resume under 2 ranks: exit 0 ($(head -c 300 "$T/err"))" test "$rc" -eq 0
check "2 ranks: 10 steps + resume to 20 == 20 steps (g.bin tensors)" cmp -s <(st_data "$T/res/g.bin") <(st_data "$T/two/g.bin")

# ---- a batch that does not divide among the ranks: one line, said once
"${MPIRUN[@]}" "$GAN" train "${SMALL[@]}" --set train.batch_size=15 --set "output.dir=$T/odd" >"$T/out" 2>"$T/err"
rc=$?
check "batch 15 on 2 ranks: exit 3 (got $rc)" test $rc -eq 3
check "batch 15 on 2 ranks: said once" test "$(grep -c 'train.batch_size 15 does not divide among 2 ranks' "$T/err")" -eq 1
check "batch 15 on 2 ranks: no run folder left" test ! -e "$T/odd"

# ---- a usage error: every rank got the same arguments; rank 0 says it, once
"${MPIRUN[@]}" "$GAN" train --no-such-option >"$T/out" 2>"$T/err"
rc=$?
check "usage error on 2 ranks: exit 2 (got $rc)" test $rc -eq 2
check "usage error on 2 ranks: said once" test "$(grep -c "unknown option '--no-such-option'" "$T/err")" -eq 1

# ---- longer jobs for the signals: 32x32, a checkpoint every 5 steps
LONG=("${SMALL[@]}" --set data.image_size=32 --set model.ngf=32 --set model.ndf=32 --set train.steps=100000
      --set output.checkpoint_every=5)
wait_for() { for _ in $(seq 1 300); do [ -e "$1" ] && return 0; sleep 0.1; done; return 1; }
# the pid of rank 1 of the job training into $1 (by the rank mpirun gave it)
rank1_pid() {
  local p
  for p in $(pgrep -f "^$GAN train .*output.dir=$1"); do
    tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1' && { echo "$p"; return; }
  done
}

# SIGTERM to one rank (as a scheduler's kill might): every rank stops at the same step, rank 0 saves
"${MPIRUN[@]}" "$GAN" train "${LONG[@]}" --set "output.dir=$T/term" >/dev/null 2>"$T/err" &
job=$!
wait_for "$T/term/state.bin"
kill -TERM "$(rank1_pid "$T/term")"
wait $job
rc=$?
check "SIGTERM to rank 1: exit 143 (got $rc)" test $rc -eq 143
check "SIGTERM to rank 1: rank 0 says interrupted and where" grep -q "interrupted at step .*checkpoint written to $T/term" "$T/err"
check "SIGTERM to rank 1: the checkpoint loads" quietly "$GAN" info "$T/term/state.bin"
step=$("$GAN" info "$T/term/state.bin" | sed -n 's/^step: *//p')
"${MPIRUN[@]}" "$GAN" train --resume "$T/term" --set "train.steps=$((step + 5))" --quiet >/dev/null 2>"$T/err"
check "after SIGTERM: resume under 2 ranks runs 5 more steps ($(head -c 200 "$T/err"))" \
  test "$("$GAN" info "$T/term/state.bin" | sed -n 's/^step: *//p')" = "$((step + 5))"

# a rank killed outright: the job ends, mpirun names the rank, the last checkpoint is intact
"${MPIRUN[@]}" "$GAN" train "${LONG[@]}" --set "output.dir=$T/kill" >/dev/null 2>"$T/err" &
job=$!
wait_for "$T/kill/state.bin"
kill -KILL "$(rank1_pid "$T/kill")"
wait $job
rc=$?
check "SIGKILL to rank 1: the job ends with a non-zero exit (got $rc)" test $rc -ne 0
check "SIGKILL to rank 1: the message names rank 1 and the signal" grep -q "rank 1 .*signal 9" "$T/err"
check "SIGKILL to rank 1: state.bin loads" quietly "$GAN" info "$T/kill/state.bin"
check "SIGKILL to rank 1: g.bin loads" quietly "$GAN" info "$T/kill/g.bin"
"$GAN" train --resume "$T/kill" --set "train.steps=$(("$("$GAN" info "$T/kill/state.bin" | sed -n 's/^step: *//p')" + 2))" \
  --quiet >/dev/null 2>"$T/err"
rc=$?
check "after SIGKILL: the run resumes, here in one process ($(head -c 200 "$T/err"))" test "$rc" -eq 0

# ---- ranks that were not started as one job: refused with one line on rank 0, exit 3 on every
# rank, before any sum (no hang, no abort inside an all-to-all). MPMD: one command line per rank.
ONE=(mpirun --oversubscribe)
[ "$(id -u)" = 0 ] && ONE+=(--allow-run-as-root)
disagree() { # WHAT RANK0_ARGS -- RANK1_ARGS
  local what=$1 a=() b=(); shift
  while [ "$1" != -- ]; do a+=("$1"); shift; done
  shift
  b=("$@")
  rm -rf "$T/dis"
  timeout 120 "${ONE[@]}" -np 1 "$GAN" train "${a[@]}" : -np 1 "$GAN" train "${b[@]}" >/dev/null 2>"$T/err"
  local rc=$?
  check "ranks with different $what: exit 3, not a hang (got $rc)" test $rc -eq 3
  check "ranks with different $what: gan says so once ($(grep '^gan' "$T/err" | head -c 200))" \
    test "$(grep -c "^gan: the ranks of this job" "$T/err")" -eq 1
}
DIS=("${SMALL[@]}" --set "output.dir=$T/dis" --quiet)
disagree "train.steps" "${DIS[@]}" --set train.steps=10 -- "${DIS[@]}" --set train.steps=12
grep -q "disagree on train.steps" "$T/err"; check "... and names train.steps" test $? -eq 0
disagree "model sizes" "${DIS[@]}" --set train.steps=10 -- "${DIS[@]}" --set train.steps=10 --set model.ngf=16
grep -q "disagree on model.ngf" "$T/err"; check "... and names model.ngf" test $? -eq 0
disagree "seeds" "${DIS[@]}" --set train.steps=10 -- "${DIS[@]}" --set train.steps=10 --set train.seed=8
disagree "batch sizes" "${DIS[@]}" --set train.steps=10 -- "${DIS[@]}" --set train.steps=10 --set train.batch_size=32
# the same config, but data.path (relative) reads other images on one rank: other working folders
mkdir -p "$T/wa" "$T/wb"
cp "$SRC/data/mnist10k/images-idx3-ubyte.gz" "$T/wa/digits.gz"
gzip -dc "$SRC/data/mnist10k/images-idx3-ubyte.gz" | python3 -c 'import sys; b = bytearray(sys.stdin.buffer.read()); b[500] ^= 0xff; sys.stdout.buffer.write(b)' | gzip >"$T/wb/digits.gz"
rm -rf "$T/dis"
timeout 120 "${ONE[@]}" -np 1 -wdir "$T/wa" "$GAN" train "${DIS[@]}" --set data.path=digits.gz --set train.steps=10 : \
  -np 1 -wdir "$T/wb" "$GAN" train "${DIS[@]}" --set data.path=digits.gz --set train.steps=10 >/dev/null 2>"$T/err"
rc=$?
check "ranks reading different images: exit 3 (got $rc)" test $rc -eq 3
grep -q "read different training images" "$T/err"
rc=$?
check "... and says so ($(grep '^gan' "$T/err" | head -c 200))" test "$rc" -eq 0
"$GAN" train "${SMALL[@]}" --set train.steps=4 --set "output.dir=$T/one4" --quiet >/dev/null 2>&1
disagree "starts (one resuming)" --resume "$T/one4" --set train.steps=8 --quiet -- "${SMALL[@]}" --set train.steps=8 \
  --set "output.dir=$T/other" --quiet
grep -q "start from different states" "$T/err"; check "... and says the states differ" test $? -eq 0
check "the refused job changed nothing in the run it would have resumed" \
  test "$("$GAN" info "$T/one4/state.bin" | sed -n 's/^step: *//p')" = 4
"${ONE[@]}" -np 2 "$GAN" train "${SMALL[@]}" --set train.steps=4 --set train.threads=1 --set "output.dir=$T/thr" --quiet \
  >/dev/null 2>"$T/err"
check "train.threads may differ between ranks (here equal; the key is exempt)" test $? -eq 0

echo "mpi_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
