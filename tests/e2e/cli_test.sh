#!/usr/bin/env bash
# End-to-end tests of the gan command: outputs of a short run, resume
# byte-identity, determinism, signals, and the exit code and message for each
# kind of bad input. usage: cli_test.sh GAN_BINARY SOURCE_DIR
set -u
GAN=$1
SRC=$2
T=$(mktemp -d /tmp/gan_cli_XXXXXX)
trap 'umount "$T/small" 2>/dev/null; rm -rf "$T"' EXIT
source "$(dirname "$0")/../common/check_lib.sh"
RANDOM=20261201   # the SIGKILL moments below: random, but the same every run

# A tiny model on 512 digits at 16x16, so every run takes a second or two.
SMALL=("${TINY[@]}" --set output.sample_every=5 --set output.checkpoint_every=5 --set output.log_every=4 --set train.threads=1)

# ---- a short run writes every output
"$GAN" train "${SMALL[@]}" --set train.steps=12 --set "output.dir=$T/x" --quiet >"$T/out" 2>"$T/err"
rc=$?
check "short run exit 0 ($(cat "$T/err"))" test "$rc" -eq 0
check "stdout is the generator path" test "$(cat "$T/out")" = "$T/x/g.bin"
check "quiet run prints nothing on stderr" test ! -s "$T/err"
for f in config.json metrics.csv real.png g.bin d.bin state.bin samples/step_000005.png samples/step_000010.png samples/step_000012.png; do
  check "run wrote $f" test -s "$T/x/$f"
done
check "metrics.csv has a header and rows for steps 4, 8, 12" test "$(cut -d, -f1 "$T/x/metrics.csv" | tr '\n' ' ')" = "step 4 8 12 "
check "sample grid is a PNG" test "$(head -c 4 "$T/x/samples/step_000012.png" | od -An -tx1 | tr -d ' ')" = "89504e47"
check "resolved config records the override" grep -q '"steps":	12' "$T/x/config.json"
cp -r "$T/x" "$T/full"

# ---- progress: plain lines when stderr is a file; one self-updating line on a terminal
"$GAN" train "${SMALL[@]}" --set train.steps=12 --set "output.dir=$T/p" >/dev/null 2>"$T/err"
check "not a terminal: one plain line per output.log_every steps" test "$(grep -c '^epoch .* step [0-9]*/12 ' "$T/err")" -eq 3
check "not a terminal: no carriage returns" test "$(tr -cd '\r' <"$T/err" | wc -c)" -eq 0
if command -v script >/dev/null; then # util-linux: runs the command on a pseudo-terminal
  rm -rf "$T/p"
  TERM=xterm script -qec "$(printf '%q ' "$GAN" train "${SMALL[@]}" --set train.steps=12 --set "output.dir=$T/p")" /dev/null \
    >"$T/tty" 2>&1 </dev/null
  check "terminal: the progress line reaches step 12/12 at 100%" grep -q 'step 12/12 \[############\] 100%  [0-9]* img/s  0:00 left  loss D' "$T/tty"
  check "terminal: redrawn in place (carriage return, erase line)" grep -q $'\r\033\\[K' "$T/tty"
  check "terminal: no periodic plain lines" test "$(grep -c 'epoch .* step' "$T/tty")" -eq 0
  check "terminal: the run still writes its metrics rows" test "$(cut -d, -f1 "$T/p/metrics.csv" | tr '\n' ' ')" = "step 4 8 12 "
  rm -rf "$T/p"
  TERM=dumb script -qec "$(printf '%q ' "$GAN" train "${SMALL[@]}" --set train.steps=12 --set "output.dir=$T/p")" /dev/null \
    >"$T/tty" 2>&1 </dev/null
  check "TERM=dumb: plain lines" test "$(grep -c '^epoch .* step [0-9]*/12 ' "$T/tty")" -eq 3
fi
rm -rf "$T/p"

# ---- same seed, same bytes; resume reproduces the uninterrupted run
"$GAN" train "${SMALL[@]}" --set train.steps=12 --set "output.dir=$T/x" --quiet --force >/dev/null 2>&1
check "two runs with one seed give the same g.bin" cmp -s "$T/x/g.bin" "$T/full/g.bin"
check "two runs with one seed give the same state.bin" cmp -s "$T/x/state.bin" "$T/full/state.bin"
rm -rf "$T/x"
"$GAN" train "${SMALL[@]}" --set train.steps=7 --set "output.dir=$T/x" --quiet >/dev/null 2>&1
"$GAN" train --resume "$T/x" --set train.steps=12 --quiet >/dev/null 2>"$T/err"
rc=$?
check "resume exit 0 ($(cat "$T/err"))" test "$rc" -eq 0
check "7 steps + resume to 12 == 12 steps (g.bin)" cmp -s "$T/x/g.bin" "$T/full/g.bin"
check "7 steps + resume to 12 == 12 steps (d.bin)" cmp -s "$T/x/d.bin" "$T/full/d.bin"
check "metrics.csv after resume: rows 4, 7 (end of the first part), 8, 12" test "$(cut -d, -f1 "$T/x/metrics.csv" | tr '\n' ' ')" = "step 4 7 8 12 "
check "metrics rows of the resumed run equal the uninterrupted run's" cmp -s <(grep -v '^7,' "$T/x/metrics.csv" | cut -d, -f1-6) <(cut -d, -f1-6 "$T/full/metrics.csv")
rm -rf "$T/x"
# The tensors of a checkpoint: its header's metadata records the config (threads, rates) too.

# ---- train.lr_g_early: G's rate for the first steps, then lr_g, by the step alone
EARLY=(--set train.lr_g=0.0002 --set train.lr_g_early=0.002 --set train.lr_g_early_steps=6)
"$GAN" train "${SMALL[@]}" "${EARLY[@]}" --set train.steps=12 --set "output.dir=$T/e12" --quiet >/dev/null 2>&1
"$GAN" train "${SMALL[@]}" --set train.lr_g=0.002 --set train.steps=6 --set "output.dir=$T/c6" --quiet >/dev/null 2>&1
"$GAN" train "${SMALL[@]}" "${EARLY[@]}" --set train.steps=6 --set "output.dir=$T/e6" --quiet >/dev/null 2>&1
check "lr_g_early for 6 steps == lr_g at that rate, after 6 steps (g.bin tensors)" \
  cmp -s <(st_data "$T/e6/g.bin") <(st_data "$T/c6/g.bin")
"$GAN" train "${SMALL[@]}" --set train.lr_g=0.002 --set train.steps=12 --set "output.dir=$T/c12" --quiet >/dev/null 2>&1
differ() { ! cmp -s <(st_data "$1") <(st_data "$2"); }
check "after step 6 the rate falls to lr_g: 12 steps differ from 12 at the early rate" differ "$T/e12/g.bin" "$T/c12/g.bin"
"$GAN" train "${SMALL[@]}" "${EARLY[@]}" --set train.steps=4 --set "output.dir=$T/er" --quiet >/dev/null 2>&1
"$GAN" train --resume "$T/er" --set train.steps=12 --quiet >/dev/null 2>&1
check "4 steps + resume to 12 across the switch == 12 steps (g.bin tensors)" \
  cmp -s <(st_data "$T/er/g.bin") <(st_data "$T/e12/g.bin")
rm -rf "$T/e12" "$T/c6" "$T/e6" "$T/c12" "$T/er"
expect 3 "train.lr_g_early needs train.lr_g_early_steps > 0" "$GAN" train "${SMALL[@]}" --set train.lr_g_early=0.002 \
  --set "output.dir=$T/bad"
expect 3 "train.lr_g_early_steps needs train.lr_g_early > 0" "$GAN" train "${SMALL[@]}" --set train.lr_g_early_steps=5 \
  --set "output.dir=$T/bad"

# ---- train.lr_decay_steps: both rates fall over the run's last steps, by the step and length alone
DECAY=(--set train.steps=12 --set train.lr_decay_steps=6)
"$GAN" train "${SMALL[@]}" "${DECAY[@]}" --set "output.dir=$T/d12" --quiet >/dev/null 2>&1
"$GAN" train "${SMALL[@]}" --set train.steps=12 --set train.lr_decay_steps=0 --set "output.dir=$T/n12" --quiet >/dev/null 2>&1
"$GAN" train "${SMALL[@]}" --set train.steps=12 --set train.lr_decay_steps=1 --set "output.dir=$T/one12" --quiet >/dev/null 2>&1
check "a decay over 1 step leaves every rate as it was (g.bin tensors)" \
  cmp -s <(st_data "$T/one12/g.bin") <(st_data "$T/n12/g.bin")
check "a decay over the last 6 of 12 steps trains other tensors than constant rates" differ "$T/d12/g.bin" "$T/n12/g.bin"
check "and leaves the steps before them alone (step 5's grids are the same)" \
  cmp -s "$T/d12/samples/step_000005.png" "$T/n12/samples/step_000005.png"
check "while step 10's differ" bash -c "! cmp -s '$T/d12/samples/step_000010.png' '$T/n12/samples/step_000010.png'"
# (an interrupted run resumes inside the decay as the straight one ran: chaos_test)
rm -rf "$T/d12" "$T/n12" "$T/one12"
expect 2 "train.lr_decay_steps: expected an integer" "$GAN" train "${SMALL[@]}" --set train.lr_decay_steps=-1 \
  --set "output.dir=$T/bad"

# the bytes do not depend on the thread count: 7 steps on 1 thread, then 5 on 2
"$GAN" train "${SMALL[@]}" --set train.steps=7 --set train.threads=1 --set "output.dir=$T/x" --quiet >/dev/null 2>&1
"$GAN" train --resume "$T/x" --set train.steps=12 --set train.threads=2 --quiet >/dev/null 2>&1
check "7 steps on 1 thread + resume to 12 on 2 threads == 12 steps (g.bin tensors)" \
  cmp -s <(st_data "$T/x/g.bin") <(st_data "$T/full/g.bin")
expect 3 "already holds a run" "$GAN" train "${SMALL[@]}" --set "output.dir=$T/x"
expect 3 "nothing to resume" "$GAN" train --resume "$T/full/samples"

# ---- metrics.csv rows are the means over the log interval
"$GAN" train "${SMALL[@]}" --set train.steps=8 --set output.log_every=1 --set "output.dir=$T/every1" --quiet >/dev/null 2>&1
"$GAN" train "${SMALL[@]}" --set train.steps=8 --set output.log_every=4 --set "output.dir=$T/every4" --quiet >/dev/null 2>&1
mean=$(awk -F, 'NR >= 6 && NR <= 9 { s += $3 } END { printf "%.6f", s / 4 }' "$T/every1/metrics.csv")
row=$(awk -F, '$1 == 8 { print $3 }' "$T/every4/metrics.csv")
check "the step-8 row's loss_d ($row) is the mean of steps 5 to 8 ($mean)" awk "BEGIN { d = $row - $mean; exit !(d < 2e-6 && d > -2e-6) }"

# ---- train.time_limit: stop cleanly once the steps have taken that long
"$GAN" train "${SMALL[@]}" --set train.steps=100000000 --set train.time_limit=1.5 --set "output.dir=$T/tl" --quiet >"$T/out" 2>"$T/err"
rc=$?
check "a time-limited run ends with exit 0 ($(head -c 200 "$T/err"))" test "$rc" -eq 0
ts=$(tail -1 "$T/tl/metrics.csv" | cut -d, -f12)
check "its last metrics row has train_s >= 1.5 ($ts)" awk "BEGIN { exit !($ts >= 1.5 && $ts < 5) }"
check "and its checkpoint is written" "$GAN" info "$T/tl/state.bin" >/dev/null

# ---- info and sample
expect 0 "" "$GAN" info "$T/full/g.bin"
check "info names the kind" grep -q "kind:       generator" "$T/out"
check "info gives the step" grep -q "step:       12" "$T/out"
check "info lists state_dict names" grep -q "1.running_mean" "$T/out"
expect 0 "" "$GAN" info "$T/full/state.bin"
check "info recognises a training state" grep -q "training state" "$T/out"
check "info gives a state's Adam steps" grep -qx "updates:    G 12, D 12 (Adam steps)" "$T/out"
# train.d_loss_floor above any loss skips every D update; train.d_steps 2 doubles them
"$GAN" train "${SMALL[@]}" --set train.steps=6 --set train.d_loss_floor=100 --set "output.dir=$T/floor" --quiet >/dev/null 2>&1
check "a floor above every loss leaves D unchanged" bash -c "'$GAN' info '$T/floor/state.bin' | grep -qx 'updates:    G 6, D 0 (Adam steps)'"
"$GAN" train "${SMALL[@]}" --set train.steps=6 --set train.d_steps=2 --set "output.dir=$T/dsteps" --quiet >/dev/null 2>&1
check "train.d_steps 2 takes two D steps a step" bash -c "'$GAN' info '$T/dsteps/state.bin' | grep -qx 'updates:    G 6, D 12 (Adam steps)'"
G="$T/full/g.bin"
expect 0 "" "$GAN" sample --ckpt "$G" -n 10 --out "$T/s1.png" --z-out "$T/z.npy" --npy "$T/a.npy" --each "$T/each"
check "sample prints the paths it wrote" test "$(head -1 "$T/out")" = "$T/s1.png"
check "--each wrote one PNG per image" test "$(ls "$T/each" | wc -l)" -eq 10
expect 0 "" "$GAN" sample --ckpt "$G" -n 10 --out "$T/s2.png"
check "same seed, same grid" cmp -s "$T/s1.png" "$T/s2.png"
expect 0 "" "$GAN" sample --ckpt "$G" -n 10 --out "$T/s3.png" --seed 7
check "another seed, another grid" bash -c "! cmp -s '$T/s1.png' '$T/s3.png'"
expect 0 "" "$GAN" sample --ckpt "$G" --z-in "$T/z.npy" --npy "$T/b.npy" --out "$T/s4.png"
check "--z-in reproduces the images of --z-out" cmp -s "$T/a.npy" "$T/b.npy"
check ".npy of images has shape (10, 1, 16, 16)" grep -qa "'shape': (10, 1, 16, 16)" "$T/a.npy"
expect 0 "" "$GAN" sample --ckpt "$G" -n 8 --nrow 2 --bn-batch --out "$T/s5.png"

expect 0 "" "$GAN" interp --ckpt "$G" --rows 3 --steps 4 --out "$T/i1.png"
check "interp prints the grid path" test "$(cat "$T/out")" = "$T/i1.png"
expect 0 "" "$GAN" interp --ckpt "$G" --rows 3 --steps 4 --mode lerp --out "$T/i2.png"
check "slerp and lerp walks differ" bash -c "! cmp -s '$T/i1.png' '$T/i2.png'"
expect 0 "" "$GAN" interp --ckpt "$G" --rows 3 --steps 4 --out "$T/i3.png"
check "same seed, same walk" cmp -s "$T/i1.png" "$T/i3.png"
expect 2 "--mode: expected slerp or lerp" "$GAN" interp --ckpt "$G" --mode cubic
expect 3 "this is a discriminator checkpoint" "$GAN" interp --ckpt "$T/full/d.bin"

# ---- docs/configs.md's key table is the parser's own (scripts/update_config_docs.sh regenerates it)
"$GAN" train --print-keys >"$T/keys.md"
check "docs/configs.md holds the table of 'gan train --print-keys'" grep -qzF "$(cat "$T/keys.md")" "$SRC/docs/configs.md"

# ---- bad input: one line naming the file, the right exit code
"$GAN" >/dev/null 2>"$T/err"
check "no command: usage on stderr, exit 2" test $? -eq 2 -a -s "$T/err"
expect 2 "unknown command" "$GAN" frobnicate
expect 2 "unknown option '--bogus'" "$GAN" train --bogus
expect 2 "--config FILE or --resume RUN_DIR is required" "$GAN" train
expect 4 "$T/none.json: cannot open" "$GAN" train --config "$T/none.json"
printf '{"train": {"batch_size": "64"}}' >"$T/bad1.json"
expect 3 "$T/bad1.json: train.batch_size: expected an integer from 2 to 4096, got \"64\"" "$GAN" train --config "$T/bad1.json"
printf '{"train": {"epochs": 3,}' >"$T/bad2.json"
expect 3 "$T/bad2.json: not valid JSON" "$GAN" train --config "$T/bad2.json"
expect 2 "--set train.bogus: unknown key" "$GAN" train "${SMALL[@]}" --set train.bogus=1
expect 3 "labels-idx1-ubyte.gz: this is an IDX label file" "$GAN" train "${SMALL[@]}" --set "data.path=$SRC/data/mnist10k/labels-idx1-ubyte.gz" --set "output.dir=$T/y"
expect 4 "cannot open" "$GAN" train "${SMALL[@]}" --set "data.path=$T/nope.idx" --set "output.dir=$T/y"
expect 4 "$T/missing.bin: cannot open" "$GAN" sample --ckpt "$T/missing.bin"
head -c 100 "$G" >"$T/trunc.bin"
expect 3 "$T/trunc.bin: truncated" "$GAN" sample --ckpt "$T/trunc.bin"
head -c 5000 "$G" >"$T/trunc2.bin"
expect 3 "$T/trunc2.bin" "$GAN" sample --ckpt "$T/trunc2.bin"
expect 3 "this is a discriminator checkpoint" "$GAN" sample --ckpt "$T/full/d.bin"
expect 3 "not a gan model checkpoint" "$GAN" sample --ckpt "$T/full/state.bin"
expect 3 "$T/full/config.json: header length" "$GAN" sample --ckpt "$T/full/config.json"
expect 2 "-n: expected an integer from 1 to 10000, got '0'" "$GAN" sample --ckpt "$G" -n 0
expect 2 "-n: expected an integer from 1 to 10000, got '99999999'" "$GAN" sample --ckpt "$G" -n 99999999
expect 3 "$T/a.npy: shape must be [n, nz]" "$GAN" sample --ckpt "$G" --z-in "$T/a.npy"
expect 4 "$T/no/such/dir/x.png: cannot create" "$GAN" sample --ckpt "$G" --out "$T/no/such/dir/x.png"
expect 4 "/dev/full: write failed: No space left on device" "$GAN" sample --ckpt "$G" --out /dev/full

# ---- command-line conventions (getopt_long) and strict values
expect 0 "" "$GAN" sample --ckpt "$G" -n4 --out "$T/c1.png"
expect 0 "" "$GAN" sample --ckpt="$G" --n=4 --out "$T/c2.png"
check "-n4 and --n=4 mean -n 4" cmp -s "$T/c1.png" "$T/c2.png"
expect 0 "" "$GAN" sample --ck "$G" -n 4 --out "$T/c3.png" --qui
check "unique prefixes of long options work" cmp -s "$T/c1.png" "$T/c3.png"
expect 2 "ambiguous option '--s' (--set, --seed)" "$GAN" eval --classifier x --ckpt "$G" --s 1
expect 2 "unexpected argument 'extra'" "$GAN" sample --ckpt "$G" -- extra
expect 2 "option '--quiet' takes no value" "$GAN" sample --ckpt "$G" --quiet=yes
expect 2 "--ckpt needs FILE" "$GAN" sample --ckpt
expect 2 "--n given twice" "$GAN" sample --ckpt "$G" -n 4 -n 5
for cmd in "sample --ckpt $G" "interp --ckpt $G" "eval --classifier x --ckpt $G"; do
  # shellcheck disable=SC2086
  expect 2 "--seed: expected an integer from 0 to 9223372036854775807, got '99999999999999999999999999'" \
    "$GAN" $cmd --seed 99999999999999999999999999
done
expect 2 "--set train.steps: expected an integer from 0 to 1000000000000, got \"0x10\"" "$GAN" train "${SMALL[@]}" --set train.steps=0x10
expect 2 "--set model.ngf: expected an integer" "$GAN" train "${SMALL[@]}" --set 'model.ngf=12}]junk'
expect 2 "(out of the range of a double)" "$GAN" train "${SMALL[@]}" --set train.lr_g=1e309
expect 2 "--set output.dir does not go with it" "$GAN" train --resume "$T/full" --set output.dir=elsewhere
(cd "$T" && "$GAN" train "${SMALL[@]}" --set train.steps=2 --set output.dir=2024 --quiet >/dev/null 2>&1)
check "--set output.dir=2024 is the folder 2024" test -s "$T/2024/g.bin"
expect 0 "" "$GAN" sample --ckpt "$G" -n 50 --truncation 0.5 --z-out "$T/zt.npy" --out "$T/t.png"
zh=$(( $(od -An -tu1 -j8 -N1 "$T/zt.npy") + 256 * $(od -An -tu1 -j9 -N1 "$T/zt.npy") + 10 ))
top=$(od -An -tf4 -v -j "$zh" "$T/zt.npy" | tr -s ' ' '\n' | awk 'NF { v = $1 < 0 ? -$1 : $1; if (v > m) m = v } END { print m }')
check "--truncation 0.5 draws no latent above 0.5 (largest $top)" awk "BEGIN { exit !($top <= 0.5) }"
expect 2 "--truncation: expected a number > 0, got '0'" "$GAN" sample --ckpt "$G" --truncation 0
expect 2 "--truncation: expected a number > 0, got '-1'" "$GAN" eval --classifier x --ckpt "$G" --truncation -1
hlen=$(( $(od -An -tu1 -j8 -N1 "$T/z.npy") + 256 * $(od -An -tu1 -j9 -N1 "$T/z.npy") + 10 ))
cp "$T/z.npy" "$T/znan.npy"
printf '\x00\x00\xc0\x7f' | dd of="$T/znan.npy" bs=1 seek=$((hlen + 4 * 8 * 3)) conv=notrunc 2>/dev/null
expect 3 "$T/znan.npy: row 3 holds a non-finite value (nan)" "$GAN" sample --ckpt "$G" --z-in "$T/znan.npy" --out "$T/zn.png"
touch "$T/plainfile"
expect 4 "$T/plainfile/each: cannot create folder: Not a directory" "$GAN" sample --ckpt "$G" -n 2 --out "$T/e.png" --each "$T/plainfile/each"
expect 4 "$T/plainfile: cannot create folder: a file of that name exists" "$GAN" sample --ckpt "$G" -n 2 --out "$T/e.png" --each "$T/plainfile"
# 62 --set options and --data once overflowed a fixed array in gan eval (ASan/UBSan catch it)
many=()
for i in $(seq 62); do many+=(--set data.limit=$i); done
expect 4 "$T/nope.bin: cannot open" "$GAN" eval --classifier "$T/nope.bin" --ckpt "$G" "${many[@]}" --data "$T/x"

# ---- long paths: checked, never cut short
long=$T/$(printf 'd%.0s' $(seq 200))
for i in 1 2 3 4; do long=$long/$(printf 'e%.0s' $(seq 200)); done
mkdir -p "$long"
check "the long folder is over 1,000 characters (${#long})" test "${#long}" -gt 1000
"$GAN" train "${SMALL[@]}" --set train.steps=4 --set "output.dir=$T/A" --quiet >/dev/null 2>&1
cp "$T/A/g.bin" "$T/A.g.orig"
cp -r "$T/A" "$long/B"  # B's config.json still says output.dir = .../A
"$GAN" train --resume "$long/B" --set train.steps=6 --quiet >"$T/out" 2>"$T/err"
rc=$?
check "resume through a ${#long}-character path exits 0 ($(head -c 200 "$T/err"))" test "$rc" -eq 0
check "the resumed run trains in the folder given (stdout)" test "$(cat "$T/out")" = "$long/B/g.bin"
check "the resumed run reached step 6 there" bash -c "'$GAN' info '$long/B/g.bin' | grep -q 'step:       6'"
check "the folder config.json names is untouched" cmp -s "$T/A/g.bin" "$T/A.g.orig"
huge=$T/$(printf 'x%.0s' $(seq 4100))
expect 2 "--set data.path: longer than 4095 characters" "$GAN" train "${SMALL[@]}" --set "data.path=$huge"
near=$(printf 'n%.0s' $(seq 4090))
expect 3 "(at most 4095 fit)" "$GAN" train "${SMALL[@]}" --set "output.dir=$near"
check "a run folder that would not fit is refused before anything is written" test ! -e "$near"
out5k=$T/$(printf 'o%.0s' $(seq 5000)).png
expect 4 "File name too long" "$GAN" sample --ckpt "$T/A/g.bin" -n 4 --out "$out5k"
check "the error keeps both ends of the long name" grep -q "$T/ooo.*oo\.\.\.oo.*ooo\.png" "$T/err"
check "the error is shorter than 600 characters" test "$(wc -c <"$T/err")" -lt 600

# ---- one run per folder: the lock, --force, stale temporary files, mixed runs
"$GAN" train "${SMALL[@]}" --set train.steps=1000000 --set output.checkpoint_every=2 --set "output.dir=$T/lk" >/dev/null 2>"$T/lk.err" &
pid=$!
for _ in $(seq 200); do grep -q "step 4/" "$T/lk.err" 2>/dev/null && break; sleep 0.05; done
cp "$T/lk/config.json" "$T/lk.config"
expect 3 "$T/lk: run folder in use by pid $pid" "$GAN" train "${SMALL[@]}" --set "output.dir=$T/lk" --force --set train.seed=222
expect 3 "run folder in use by pid $pid" "$GAN" train --resume "$T/lk" --set train.steps=20
check "a refused second job touched nothing (config.json)" cmp -s "$T/lk/config.json" "$T/lk.config"
kill -TERM $pid
wait $pid
check "the first job ends on SIGTERM with 143" test $? -eq 143
s=$(sed -n 's/^step: *//p' <("$GAN" info "$T/lk/state.bin"))
expect 0 "" "$GAN" train --resume "$T/lk" --set "train.steps=$((s + 2))" --quiet
# --force leaves a folder that holds one run only
"$GAN" train "${SMALL[@]}" --set train.steps=12 --set "output.dir=$T/fo" --quiet >/dev/null 2>&1
check "the first run wrote step_000010.png" test -e "$T/fo/samples/step_000010.png"
touch "$T/fo/.state.bin.tmp.Ab12Cd" "$T/fo/samples/.step_000012.png.tmp.Zz99Yy"
"$GAN" train "${SMALL[@]}" --set train.steps=3 --set output.sample_every=0 --set train.seed=222 --set "output.dir=$T/fo" --force --quiet >/dev/null 2>&1
check "--force removed the earlier run's sample grids" test "$(ls "$T/fo/samples")" = "step_000003.png"
check "--force: metrics.csv holds the new run's rows only" test "$(cut -d, -f1 "$T/fo/metrics.csv" | tr '\n' ' ')" = "step 3 "
check "stale temporary files are gone" test -z "$(find "$T/fo" -name '*.tmp.*')"
# a --force run killed before its first checkpoint leaves nothing to resume (the old state.bin went first)
"$GAN" train "${SMALL[@]}" --set train.steps=1000000 --set output.checkpoint_every=0 --set "output.dir=$T/fo" --force >/dev/null 2>"$T/fo.err" &
pid=$!
for _ in $(seq 200); do grep -q "step 4/" "$T/fo.err" 2>/dev/null && break; sleep 0.05; done
kill -9 $pid
wait $pid 2>/dev/null
expect 3 "nothing to resume" "$GAN" train --resume "$T/fo"
# config.json and state.bin of two runs in one folder are refused
"$GAN" train "${SMALL[@]}" --set train.steps=2 --set "output.dir=$T/m1" --quiet >/dev/null 2>&1
"$GAN" train "${SMALL[@]}" --set train.steps=2 --set train.seed=99 --set "output.dir=$T/m2" --quiet >/dev/null 2>&1
cp "$T/m2/config.json" "$T/m1/config.json"
expect 3 "the folder mixes two runs" "$GAN" train --resume "$T/m1" --set train.steps=4
expect 2 "--set run_id: gan writes this key" "$GAN" train --resume "$T/m2" --set run_id=x
# a finished run whose g.bin is gone: resume writes it again from state.bin
rm "$T/m2/g.bin"
expect 0 "" "$GAN" train --resume "$T/m2"
check "resuming a finished run without g.bin says it wrote it again" grep -q "written again from state.bin" "$T/err"
check "...and g.bin is there and loads" "$GAN" info "$T/m2/g.bin" >/dev/null
head -c 300 "$T/m2/d.bin" >"$T/d.part" && mv "$T/d.part" "$T/m2/d.bin"
expect 0 "" "$GAN" train --resume "$T/m2" --quiet
check "a truncated d.bin is written again too" "$GAN" info "$T/m2/d.bin" >/dev/null

# ---- a memory limit: refused up front with the figures (no spin inside OpenBLAS, no hang at exit).
# AddressSanitizer reserves terabytes of address space, so its build cannot run under ulimit -v at all.
if ldd "$GAN" | grep -q libasan; then
  echo "cli_test: memory-limit tests skipped (AddressSanitizer build)" >&2
else
out=$(bash -c "ulimit -v 150000; timeout 20 '$GAN' --version" 2>&1)
check "gan --version under ulimit -v 150000 ends at once ($out)" test "$(head -1 <<<"$out")" = "gan 0.2.0"
bash -c "ulimit -v 400000; timeout 60 '$GAN' train --config '$SRC/configs/mnist-dcgan-classic.json' --set 'data.path=$SRC/data/mnist10k/images-idx3-ubyte.gz' --set train.threads=2 --set 'output.dir=$T/ulimit' --quiet" >"$T/out" 2>"$T/err"
rc=$?
check "a job over ulimit -v exits 3, not 124 (timeout) or 1 (got $rc)" test $rc -eq 3
check "...saying what it needs and what is allowed" grep -q "the job needs about .* but ulimit -v (RLIMIT_AS) allows 391 MiB" "$T/err"
check "...in one line" test "$(wc -l <"$T/err")" -eq 1
check "...and touched no run folder" test ! -e "$T/ulimit"
bash -c "ulimit -v 400000; timeout 60 '$GAN' train ${SMALL[*]} --set train.steps=3 --set 'output.dir=$T/ulimit1' --quiet" >/dev/null 2>"$T/err"
check "a small job on one thread trains under the same limit ($(head -c 200 "$T/err"))" test -s "$T/ulimit1/g.bin"
fi

# ---- the recipe's keys: a spectral-norm D with the hinge loss trains; its shape cannot change on resume
"$GAN" train "${SMALL[@]}" --set train.steps=3 --set model.d_norm=spectral --set train.loss=hinge --set "output.dir=$T/sn" --quiet >/dev/null 2>&1
check "a spectral-norm run writes d.bin with weight_orig, weight_u, weight_v" bash -c "'$GAN' info '$T/sn/d.bin' | grep -q '0.weight_u'"
expect 3 "the run has model.d_norm \"spectral\", the config now \"batchnorm\": it shapes the networks and cannot change on resume" \
  "$GAN" train --resume "$T/sn" --set model.d_norm=batchnorm --set train.steps=5
expect 2 "--set train.loss: expected bce, hinge or lsgan, got \"hinje\" (did you mean hinge?)" "$GAN" train "${SMALL[@]}" --set train.loss=hinje
expect 2 "--set model.d_norm: expected batchnorm, spectral or none, got \"spectrl\" (did you mean spectral?)" "$GAN" train "${SMALL[@]}" --set model.d_norm=spectrl

# ---- train.ema: g.bin is the average (with batchnorm statistics of its own); resume stays byte-identical
EMA=(--set train.ema=0.999 --set output.checkpoint_every=5 --set output.sample_every=5)
"$GAN" train "${SMALL[@]}" "${EMA[@]}" --set train.steps=12 --set "output.dir=$T/ema" --quiet >/dev/null 2>&1
cp "$T/ema/g.bin" "$T/ema.g.bin"
rm -rf "$T/ema"
"$GAN" train "${SMALL[@]}" "${EMA[@]}" --set train.steps=7 --set "output.dir=$T/ema" --quiet >/dev/null 2>&1
"$GAN" train --resume "$T/ema" --set train.steps=12 --quiet >/dev/null 2>&1
check "with train.ema, 7 steps + resume to 12 == 12 steps (g.bin)" cmp -s "$T/ema/g.bin" "$T/ema.g.bin"
check "gan info says g.bin holds the EMA" bash -c "'$GAN' info '$T/ema/g.bin' | grep -q 'weights:    an exponential moving average of G.s, decay 0.999'"
check "state.bin keeps G's own weights and the average (E.)" bash -c "'$GAN' info '$T/ema/state.bin' | grep -q ' E.0.weight'"
# every item of the recipe at once: hinge, spectral norm, EMA, DiffAugment (its draws come from the saved stream)
ALL=(--set train.loss=hinge --set model.d_norm=spectral --set train.ema=0.99 --set train.augment=color,translation,cutout
     --set output.checkpoint_every=5 --set output.sample_every=5)
"$GAN" train "${SMALL[@]}" "${ALL[@]}" --set train.steps=12 --set "output.dir=$T/all" --quiet >/dev/null 2>&1
cp "$T/all/g.bin" "$T/all.g.bin" && cp "$T/all/d.bin" "$T/all.d.bin"
rm -rf "$T/all"
"$GAN" train "${SMALL[@]}" "${ALL[@]}" --set train.steps=7 --set "output.dir=$T/all" --quiet >/dev/null 2>&1
"$GAN" train --resume "$T/all" --set train.steps=12 --quiet >/dev/null 2>&1
check "with every recipe item, 7 steps + resume to 12 == 12 steps (g.bin)" cmp -s "$T/all/g.bin" "$T/all.g.bin"
check "with every recipe item, 7 steps + resume to 12 == 12 steps (d.bin)" cmp -s "$T/all/d.bin" "$T/all.d.bin"
check "train.augment is written back as a list" grep -q '"augment":	\["color", "translation", "cutout"\]' "$T/all/config.json"
expect 2 "--set train.augment: expected a list of color, translation or cutout, got \"cutuot\" (did you mean cutout?)" \
  "$GAN" train "${SMALL[@]}" --set train.augment=color,cutuot
expect 2 "--set train.ema: expected a number from 0 to 0.99999, got 1" "$GAN" train "${SMALL[@]}" --set train.ema=1

# ---- model.conditional: labels from the data, resume byte-identical, sampling by class
COND=(--set model.conditional=true --set "data.labels=$SRC/data/mnist10k/labels-idx1-ubyte.gz" --set train.ema=0.99
      --set output.checkpoint_every=5 --set output.sample_every=5 --set output.sample_count=20)
for gc in concat batchnorm; do
  "$GAN" train "${SMALL[@]}" "${COND[@]}" --set model.g_condition=$gc --set train.steps=12 --set "output.dir=$T/c$gc" \
    --quiet >/dev/null 2>"$T/err"
  check "a conditional run ($gc) trains ($(cat "$T/err"))" test -s "$T/c$gc/g.bin"
  cp "$T/c$gc/g.bin" "$T/c$gc.g.bin" && cp "$T/c$gc/d.bin" "$T/c$gc.d.bin"
  rm -rf "$T/c$gc"
  "$GAN" train "${SMALL[@]}" "${COND[@]}" --set model.g_condition=$gc --set train.steps=7 --set "output.dir=$T/c$gc" \
    --quiet >/dev/null 2>&1
  "$GAN" train --resume "$T/c$gc" --set train.steps=12 --quiet >/dev/null 2>&1
  check "conditional ($gc): 7 steps + resume to 12 == 12 steps (g.bin)" cmp -s "$T/c$gc/g.bin" "$T/c$gc.g.bin"
  check "conditional ($gc): 7 steps + resume to 12 == 12 steps (d.bin)" cmp -s "$T/c$gc/d.bin" "$T/c$gc.d.bin"
done
CG=$T/cconcat/g.bin
check "gan info lists the classes" bash -c "'$GAN' info '$CG' | grep -q '^classes:    10 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9); G takes a class embedding beside z'"
check "gan info on d.bin says projection discriminator" bash -c "'$GAN' info '$T/cconcat/d.bin' | grep -q 'projection discriminator'"
check "gan info on conditional batchnorm" bash -c "'$GAN' info '$T/cbatchnorm/g.bin' | grep -q 'a gamma and beta per class'"
expect 3 "the run has model.g_condition \"concat\", the config now \"batchnorm\"" \
  "$GAN" train --resume "$T/cconcat" --set model.g_condition=batchnorm --set train.steps=14
expect 3 "the run has model.conditional true, the config now false" \
  "$GAN" train --resume "$T/cconcat" --set model.conditional=false --set train.steps=14
expect 0 "" "$GAN" sample --ckpt "$CG" --class all --out "$T/all.png" --labels-out "$T/all_y.npy" --npy "$T/all_x.npy" --z-out "$T/all_z.npy"
check "--class all writes the grid, labels, images, latents" test -s "$T/all.png" -a -s "$T/all_y.npy" -a -s "$T/all_x.npy"
check "--class all: 8 images of each class, class by class" \
  test "$(od -v -An -t d8 -j 128 "$T/all_y.npy" | tr -s ' \n' ' ' | sed 's/^ //')" = "$(for k in 0 1 2 3 4 5 6 7 8 9; do printf '%s ' $k $k $k $k $k $k $k $k; done)"
expect 0 "" "$GAN" sample --ckpt "$CG" --labels-in "$T/all_y.npy" --z-in "$T/all_z.npy" --npy "$T/back_x.npy" --out "$T/back.png"
check "--labels-in and --z-in give the same images again" cmp -s "$T/all_x.npy" "$T/back_x.npy"
expect 0 "" "$GAN" sample --ckpt "$CG" --class 7 -n 5 --labels-out "$T/seven.npy" --out "$T/seven.png"
check "--class 7: every label is 7" test "$(od -v -An -t d8 -j 128 "$T/seven.npy" | tr -s ' \n' ' ')" = " 7 7 7 7 7 "
expect 0 "" "$GAN" sample --ckpt "$CG" --class 3 --class 8 -n 6 --labels-out "$T/two.npy" --out "$T/two.png"
check "--class 3 --class 8: half each, in order" test "$(od -v -An -t d8 -j 128 "$T/two.npy" | tr -s ' \n' ' ')" = " 3 3 3 8 8 8 "
expect 0 "" "$GAN" sample --ckpt "$CG" -n 30 --labels-out "$T/uni.npy" --out "$T/uni.png"
check "without --class the classes are drawn (more than one)" test "$(od -v -An -t d8 -j 128 "$T/uni.npy" | tr -s ' \n' '\n' | sort -u | grep -c .)" -gt 3
expect 2 "--class all draws 10 classes x 8 images (--nrow); -n 12 does not match" "$GAN" sample --ckpt "$CG" --class all -n 12
expect 2 "--class all goes alone" "$GAN" sample --ckpt "$CG" --class all --class 3
expect 0 "" "$GAN" interp --ckpt "$CG" --class 4 --rows 2 --steps 3 --out "$T/walk.png"
check "interp --class writes its grid" test -s "$T/walk.png"
expect 3 "an unconditional generator has no classes; --class needs one" "$GAN" interp --ckpt "$T/full/g.bin" --class 4
expect 3 "an unconditional generator has no classes for --labels-out" "$GAN" sample --ckpt "$T/full/g.bin" --labels-out "$T/no.npy"
png_width() { od -An -t u1 -j 16 -N 4 "$1" | awk '{print $3 * 256 + $4}'; }
# both grids are 3 images wide; the labelled one (a row per class) has the names' margin at its left
check "a labelled grid is wider than a plain one by the names' margin" test "$(png_width "$T/two.png")" -gt "$(png_width "$T/seven.png")"

# ---- Ctrl-C: finish the step, save, exit 130; the run resumes
"$GAN" train "${SMALL[@]}" --set train.steps=1000000 --set output.checkpoint_every=0 --set "output.dir=$T/sig" >/dev/null 2>"$T/err" &
pid=$!
for _ in $(seq 100); do grep -q "step 4/" "$T/err" 2>/dev/null && break; sleep 0.1; done
kill -INT $pid
wait $pid
rc=$?
check "SIGINT exits 130 (got $rc)" test $rc -eq 130
check "SIGINT message says where the checkpoint is" grep -q "interrupted at step" "$T/err"
check "the interrupted run's state loads" "$GAN" info "$T/sig/state.bin" >/dev/null
step=$(sed -n 's/^step: *//p' <("$GAN" info "$T/sig/g.bin"))
expect 0 "" "$GAN" train --resume "$T/sig" --set "train.steps=$((step + 2))" --quiet

# ---- SIGKILL at random moments, mostly inside checkpoint writes: the files always load
for i in 1 2 3 4 5 6 7 8; do
  rm -rf "$T/kill"
  "$GAN" train "${SMALL[@]}" --set train.steps=1000000 --set output.checkpoint_every=1 --set output.sample_every=0 \
    --set "output.dir=$T/kill" --quiet >/dev/null 2>&1 &
  pid=$!
  sleep "1.$((RANDOM % 10))"
  kill -9 $pid
  wait $pid 2>/dev/null
  if [ -f "$T/kill/state.bin" ]; then
    check "after SIGKILL #$i state.bin loads" "$GAN" info "$T/kill/state.bin" >/dev/null
    check "after SIGKILL #$i g.bin samples" "$GAN" sample --ckpt "$T/kill/g.bin" -n 4 --out "$T/k.png" --quiet
    s=$(sed -n 's/^step: *//p' <("$GAN" info "$T/kill/state.bin"))
    check "after SIGKILL #$i the run resumes" "$GAN" train --resume "$T/kill" --set "train.steps=$((s + 1))" --quiet >/dev/null
  else
    check "SIGKILL #$i came before the first checkpoint (no state.bin, no g.bin)" test ! -e "$T/kill/g.bin"
  fi
done

# ---- disk full while checkpointing: exit 4, one line, the earlier checkpoint intact
if mkdir -p "$T/small" && mount -t tmpfs -o size=160k tmpfs "$T/small" 2>/dev/null; then
  expect 4 "state.bin: write failed: No space left on device; state.bin, g.bin and d.bin still hold step 2" \
    "$GAN" train "${SMALL[@]}" --set train.steps=4 --set output.checkpoint_every=2 --set output.sample_every=0 \
    --set "output.dir=$T/small/run" --quiet
  check "after a full disk the earlier state.bin loads (step 2)" bash -c "'$GAN' info '$T/small/run/state.bin' | grep -q 'step:       2'"
  check "after a full disk no temporary file is left" test -z "$(ls -A "$T/small/run" | grep tmp)"
  umount "$T/small"
  # disk full at the first checkpoint: there is no earlier one, and the message says so
  mount -t tmpfs -o size=64k tmpfs "$T/small"
  expect 4 "state.bin: write failed: No space left on device; no checkpoint of this run has been written yet" \
    "$GAN" train "${SMALL[@]}" --set train.steps=2 --set output.sample_every=0 --set "output.dir=$T/small/run" --quiet
  check "after a full disk at the first checkpoint there is no state.bin or g.bin" test ! -e "$T/small/run/state.bin" -a ! -e "$T/small/run/g.bin"
  umount "$T/small"
else
  echo "cli_test: disk-full test skipped (mounting a tmpfs needs root)" >&2
fi

echo "cli_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
