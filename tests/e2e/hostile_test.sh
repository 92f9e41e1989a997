#!/usr/bin/env bash
# The defects of the second hostile pass, one case each, and the rest of
# their kind: nothing written through a symbolic link, foreign folders
# refused, a refused or idle job touching nothing, strict values, escaped
# names. usage: hostile_test.sh GAN_BINARY SOURCE_DIR
set -u
GAN=$1
SRC=$2
T=$(mktemp -d /tmp/gan_hostile_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$SRC/tests/common/check_lib.sh"
G=$SRC/tests/fuzz/corpus/checkpoint/g.bin
CG=$SRC/tests/fuzz/corpus/checkpoint/g-cond.bin
RUN=("${TINY[@]}" --set train.steps=4 --set output.sample_every=2 --set output.checkpoint_every=2 --set output.log_every=2
     --set train.threads=1 --quiet)
untouched() { [ "$(cat "$T/victim")" = "precious" ]; }

# ---- symbolic links: every output replaces the link or refuses; none writes through it
for f in config.json metrics.csv g.bin d.bin state.bin real.png; do
  rm -rf "$T/r" && mkdir "$T/r" && echo precious >"$T/victim" && ln -s "$T/victim" "$T/r/$f"
  # a folder holding a link is not empty: refused unless --force, which clears gan's own names
  "$GAN" train "${RUN[@]}" --set "output.dir=$T/r" --force >/dev/null 2>"$T/err"
  rc=$?
  check "a link at $f: the run goes on ($(head -c 200 "$T/err"))" test "$rc" -eq 0
  check "a link at $f: its target is untouched" untouched
  check "a link at $f: replaced by the run's file" test -f "$T/r/$f" -a ! -L "$T/r/$f"
done
rm -rf "$T/r" && mkdir "$T/r" && echo precious >"$T/victim" && ln -s "$T/victim" "$T/r/lock"
expect 3 "lock: is a symbolic link" "$GAN" train "${RUN[@]}" --set "output.dir=$T/r"
check "a link at lock: its target is untouched" untouched
rm -rf "$T/r" && mkdir "$T/r" && ln -s "$T/nowhere" "$T/r/lock"
expect 3 "lock: is a symbolic link" "$GAN" train "${RUN[@]}" --set "output.dir=$T/r"
check "a dangling link at lock: its target is not created" test ! -e "$T/nowhere"
rm -rf "$T/r" && mkdir -p "$T/r" "$T/elsewhere" && ln -s "$T/elsewhere" "$T/r/samples"
expect 3 "samples: is not a folder (a symbolic link)" "$GAN" train "${RUN[@]}" --set "output.dir=$T/r" --force
check "a linked samples folder: nothing written into its target" test -z "$(ls -A "$T/elsewhere")"
# resume: metrics.csv and the checkpoints written again
"$GAN" train "${RUN[@]}" --set "output.dir=$T/s" >/dev/null 2>&1
echo precious >"$T/victim" && rm "$T/s/metrics.csv" && ln -s "$T/victim" "$T/s/metrics.csv"
expect 3 "metrics.csv: is a symbolic link" "$GAN" train --resume "$T/s" --set train.steps=6 --quiet
check "a link at metrics.csv on resume: its target is untouched" untouched
rm "$T/s/metrics.csv" "$T/s/g.bin" && ln -s "$T/victim" "$T/s/g.bin"
expect 0 "" "$GAN" train --resume "$T/s" --set train.steps=6 --quiet
check "a link at g.bin on resume: its target untouched, the link replaced" sh -c "[ \"\$(cat $T/victim)\" = precious ] && [ ! -L $T/s/g.bin ]"
# gan sample's outputs
for opt in --out --z-out --npy; do
  echo precious >"$T/victim" && rm -f "$T/link" && ln -s "$T/victim" "$T/link"
  args=(--out "$T/grid.png")
  [ "$opt" = --out ] && args=()
  expect 0 "" "$GAN" sample --ckpt "$G" -n 4 "${args[@]}" "$opt" "$T/link" --quiet
  check "sample $opt onto a link: its target is untouched" untouched
  check "sample $opt onto a link: replaced by a file" test -f "$T/link" -a ! -L "$T/link"
done
echo precious >"$T/victim" && rm -f "$T/link" && ln -s "$T/victim" "$T/link"
expect 0 "" "$GAN" sample --ckpt "$CG" -n 4 --out "$T/grid.png" --labels-out "$T/link" --quiet
check "sample --labels-out onto a link: its target is untouched" untouched
mkdir -p "$T/each" && echo precious >"$T/victim" && ln -s "$T/victim" "$T/each/000001.png"
expect 0 "" "$GAN" sample --ckpt "$G" -n 4 --out "$T/grid.png" --each "$T/each" --quiet
check "sample --each over a linked file: its target is untouched" untouched
ln -s /dev/null "$T/devlink"
expect 4 "a symbolic link to a device, pipe or folder" "$GAN" sample --ckpt "$G" -n 4 --out "$T/devlink"

# ---- folders that hold other things, and refusals that touch nothing
mkdir -p "$T/proj" && echo mine >"$T/proj/notes.txt" && echo '{}' >"$T/proj/config.json"
expect 3 "holds 'notes.txt', which gan did not write" "$GAN" train "${RUN[@]}" --set "output.dir=$T/proj"
expect 3 "holds 'notes.txt', which gan did not write" "$GAN" train "${RUN[@]}" --set "output.dir=$T/proj" --force
check "a refused run leaves a user's config.json alone" test "$(cat "$T/proj/config.json")" = '{}'
mkdir -p "$T/early" && touch "$T/early/metrics.csv"
expect 3 "holds an earlier run's files but no state.bin to resume" "$GAN" train "${RUN[@]}" --set "output.dir=$T/early"
touch "$T/s/.g.bin.tmp.AbCdEf"
expect 3 "already holds a run" "$GAN" train "${RUN[@]}" --set "output.dir=$T/s"
check "a refused run leaves the folder's temporary files" test -e "$T/s/.g.bin.tmp.AbCdEf"
# a resume that does nothing changes nothing
cp "$T/s/config.json" "$T/config.before" && cp "$T/s/metrics.csv" "$T/metrics.before"
expect 0 "" "$GAN" train --resume "$T/s" --set train.steps=2 --quiet
check "a resume below the run's step keeps config.json" cmp -s "$T/s/config.json" "$T/config.before"
check "a resume below the run's step keeps metrics.csv" cmp -s "$T/s/metrics.csv" "$T/metrics.before"
expect 0 "" "$GAN" train --resume "$T/s" --quiet
check "and a later plain resume still knows the target (step 6)" grep -qE '"steps":[[:space:]]*6,' "$T/s/config.json"
# a state whose counters went negative is refused, and gan info shows what it holds
cp -r "$T/s" "$T/neg"
python3 - "$SRC/tests/common" "$T/neg/state.bin" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[1])
from safetensors_file import join, split
header, data = split(open(sys.argv[2], "rb").read())
start = header["counters"]["data_offsets"][0]
data = data[:start + 24] + struct.pack("<q", -1) + data[start + 32:]  # D's Adam steps, the 4th slot
open(sys.argv[2], "wb").write(join(header, data))
PY
expect 3 "$T/neg/state.bin: negative counters" "$GAN" train --resume "$T/neg" --set train.steps=8 --quiet
check "gan info shows the damaged count" bash -c "'$GAN' info '$T/neg/state.bin' | grep -qx 'updates:    G 6, D -1 (Adam steps)'"

# ---- values: strict integers, numbers as typed, a tiny truncation, classes against -n
for v in ' 3' '+3' '-0' '3 ' '0x3'; do
  expect 2 "no class '$v'" "$GAN" sample --ckpt "$CG" --class "$v" --out "$T/c.png"
  expect 2 "-n: expected an integer from 1 to 10000, got '$v'" "$GAN" sample --ckpt "$G" -n "$v" --out "$T/c.png"
done
expect 2 "got 9007199254740992" "$GAN" train "${RUN[@]}" --set train.seed=9007199254740992
expect 0 "" timeout 20 "$GAN" sample --ckpt "$G" -n 100 --truncation 1e-300 --out "$T/t.png" --quiet
expect 2 "--class given 3 times for 2 images" "$GAN" sample --ckpt "$CG" -n 2 --class 1 --class 2 --class 3 --out "$T/c.png"
rm -f "$T/u.png"
expect 3 "an unconditional generator has no classes for --labels-out" "$GAN" sample --ckpt "$G" --out "$T/u.png" --labels-out "$T/u.npy"
check "--labels-out refused before anything is written" test ! -e "$T/u.png" -a ! -e "$T/u.npy"
expect 2 "option '--help' takes no value" "$GAN" sample --help=1
for opt in --ckpt --classifier; do
  expect 2 "$opt: an empty file name" "$GAN" eval --classifier x --ckpt x "$opt" ''
done
expect 2 "--config: an empty file name" "$GAN" train --config ''
expect 2 "--resume: an empty file name" "$GAN" train --resume ''
"$GAN" sample --ckpt "$G" -n 4 --z-out "$T/z.npy" --out "$T/z.png" --quiet && printf 'xx' >>"$T/z.npy"
expect 3 "2 bytes after the data its shape holds" "$GAN" sample --ckpt "$G" --z-in "$T/z.npy" --out "$T/z.png"

# ---- text from files is printed with its control characters escaped: class names with them are
# refused on loading; a safetensors file's tensor names and metadata are listed by gan info
python3 - "$SRC/tests/common" "$G" "$T/esc.bin" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from safetensors_file import join, split
header, data = split(open(sys.argv[2], "rb").read())
meta = header.pop("__metadata__")
first = next(iter(header))
header["a\x1b[31mred\nline"] = header.pop(first)
header["__metadata__"] = {"step": "7\x1b[2J", "config": "{\n\t\"x\": \"\x1b]0;title\\u0007\"\n}"}
open(sys.argv[3], "wb").write(join(header, data))
PY
"$GAN" info "$T/esc.bin" >"$T/info" 2>&1
check "gan info prints no escape character" test "$(tr -cd '\033' <"$T/info" | wc -c)" -eq 0
check "gan info shows a tensor name escaped" grep -qF 'a\x1b[31mred\nline' "$T/info"
check "gan info shows metadata escaped" grep -qF 'step:       7\x1b[2J' "$T/info"
python3 - "$SRC/tests/common" "$CG" "$T/esc-class.bin" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from safetensors_file import join, split
header, data = split(open(sys.argv[2], "rb").read())
names = json.loads(header["__metadata__"]["class_names"])
names[0] = "a\x1b[31mred"
header["__metadata__"]["class_names"] = json.dumps(names)
open(sys.argv[3], "wb").write(join(header, data))
PY
"$GAN" sample --ckpt "$T/esc-class.bin" --out "$T/e.png" 2>"$T/err"
check "a class name with a control character is refused in one line, escaped" \
  sh -c "grep -qF 'a\\x1b[31mred' $T/err && [ \$(wc -l <$T/err) -eq 1 ] && [ \$(tr -cd '\033' <$T/err | wc -c) -eq 0 ]"
"$GAN" sample --ckpt "$CG" --class "$(printf 'zz\033[2J\nx')" --out "$T/e.png" 2>"$T/err"
check "an error quoting an argument with control characters is one line without them" \
  sh -c "[ \$(wc -l <$T/err) -eq 1 ] && [ \$(tr -cd '\033' <$T/err | wc -c) -eq 0 ]"

echo "hostile_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
