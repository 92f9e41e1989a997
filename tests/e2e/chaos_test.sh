#!/usr/bin/env bash
# A training job interrupted at seeded moments (SIGTERM, SIGKILL, and as
# root a full disk) and resumed each time until it is done ends with the
# bytes of the same job run straight through, its learning rates' decay
# (over the last 4,000 of 6,000 steps) included. The moments are random but
# seeded, so the same commit runs the same schedule; whatever instant a
# signal lands on, the final bytes must be the same.
# usage: chaos_test.sh GAN_BINARY SOURCE_DIR
set -u
GAN=$1
SRC=$2
T=$(mktemp -d /tmp/gan_chaos_XXXXXX)
mounted=0
cleanup() {
  [ "$mounted" = 1 ] && umount "$T/disk" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
source "$SRC/tests/common/check_lib.sh"
RANDOM=20261207
JOB=("${TINY[@]}" --set train.steps=6000 --set train.ema=0.99 --set train.lr_decay_steps=4000
     --set output.sample_every=370 --set output.checkpoint_every=250
     --set output.log_every=100 --set train.threads=1 --quiet)

"$GAN" train "${JOB[@]}" --set "output.dir=$T/straight" >/dev/null 2>&1
check "the uninterrupted job" test -s "$T/straight/g.bin"

# the interrupted one runs on a tmpfs when we may mount one (root), so that
# the disk can fill up under it
RUN=$T/disk/run
mkdir -p "$T/disk"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64m tmpfs "$T/disk" 2>/dev/null; then mounted=1; fi

# starts the job afresh or resumes it, in the background
launch() {
  if [ -e "$RUN/state.bin" ]; then "$GAN" train --resume "$RUN" --quiet >/dev/null 2>>"$T/log" &
  else "$GAN" train "${JOB[@]}" --set "output.dir=$RUN" --force >/dev/null 2>>"$T/log" & fi
  pid=$!
}

events=""
for round in 1 2 3 4 5 6 7 8; do
  launch
  sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
  if [ $((RANDOM % 2)) = 0 ]; then kill -TERM "$pid" 2>/dev/null; events+=" TERM"
  else kill -KILL "$pid" 2>/dev/null; events+=" KILL"; fi
  { wait "$pid"; } 2>/dev/null
  if [ "$mounted" = 1 ] && [ "$round" = 4 ]; then
    # a full disk: the next checkpoint fails (exit 4), the one before stays
    used=$(du -sk "$T/disk" | cut -f1)
    mount -o remount,size=$((used + 8))k "$T/disk"
    rc=none
    if [ -e "$RUN/state.bin" ]; then "$GAN" train --resume "$RUN" --quiet >/dev/null 2>>"$T/log"; rc=$?; fi
    mount -o remount,size=64m "$T/disk"
    events+=" FULL($rc)"
  fi
done
# then until it is done: resume (or start) until the job says so
for tries in 1 2 3; do
  if [ -e "$RUN/state.bin" ]; then "$GAN" train --resume "$RUN" --quiet >/dev/null 2>>"$T/log" && break
  else "$GAN" train "${JOB[@]}" --set "output.dir=$RUN" --force >/dev/null 2>>"$T/log" && break; fi
done
for f in g.bin d.bin state.bin; do
  check "after$events: $f holds the uninterrupted job's tensors" cmp -s <(st_data "$RUN/$f") <(st_data "$T/straight/$f")
done
check "after$events: metrics.csv has the uninterrupted job's rows" \
  cmp -s <(cut -d, -f1-6 "$RUN/metrics.csv") <(cut -d, -f1-6 "$T/straight/metrics.csv")
echo "chaos_test: $pass passed, $fail failed (events:$events; mounted tmpfs: $mounted)"
[ "$fail" -eq 0 ]
