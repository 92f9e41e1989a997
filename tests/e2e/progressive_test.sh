#!/usr/bin/env bash
# Progressive growing end to end: the phases a run goes through (gan info,
# the grids), a resume in the middle of a fade that trains the tensors of
# the straight run, 1 and 2 threads alike, gan sample at the phase's side
# and --size, and one-line refusals of nonsense schedules, of a resume that
# switches growing on or off, of a damaged phase record and of exporting a
# generator that has not grown to its full size.
# usage: progressive_test.sh GAN_BINARY SOURCE_DIR
set -u
GAN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$2
T=$(mktemp -d /tmp/gan_progressive_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/../common/check_lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# 16 px from 4: phases 4 (steps 0-3), 8 (4-7, fading over 4-6), 16 (8-)
GROW=(--set model.progressive=true --set model.start_size=4 --set model.phase_steps=4 --set model.fade_steps=3
      --set 'train.augment=["translation"]' --set output.sample_every=2)
run() { "$GAN" train "${TINY[@]}" "${GROW[@]}" "$@" --quiet >/dev/null 2>"$T/err"; }

# ---- the phases, as gan info and the grids show them
run --set train.steps=6 --set "output.dir=$T/six"
check "6 steps: exit 0 ($(cat "$T/err"))" test -f "$T/six/g.bin"
"$GAN" info "$T/six/g.bin" >"$T/info"
# step 5 (the 6th) is 2 steps into the 8 px phase's fade of 3: blend 2/3
check "info: the phase and its blend ($(grep growing "$T/info"))" \
  grep -q "^growing:    from 4 px; phase 8 px, its newest block fading in at 0.6667$" "$T/info"
check "info: toRGB per smaller side" grep -q "to_rgb.8.weight  *F32 \[1, 8, 1, 1\]" "$T/info"
check "grids at the data's size at every phase (16 px, 4 a row: 4*18+2)" \
  sh -c "file '$T/six/samples/step_000002.png' '$T/six/samples/step_000006.png' | grep -c '74 x 74' | grep -qx 2"

# ---- resume in the middle of a fade == the straight run; threads do not matter
run --set train.steps=14 --set "output.dir=$T/full"
run --set train.steps=5 --set "output.dir=$T/part"
"$GAN" train --resume "$T/part" --set train.steps=14 --quiet >/dev/null 2>"$T/err"
rc=$?
check "resume exit 0 ($(cat "$T/err"))" test "$rc" -eq 0
check "5 steps (mid-fade) + resume to 14 == 14 steps (G tensors)" cmp -s <(st_data "$T/part/g.bin") <(st_data "$T/full/g.bin")
check "5 steps (mid-fade) + resume to 14 == 14 steps (D tensors)" cmp -s <(st_data "$T/part/d.bin") <(st_data "$T/full/d.bin")
# a phase's first step starts Adam afresh (ProGAN's optimiser reset): after 14 steps, 6 of them in
# the 16 px phase, Adam has counted 6 steps for G and 6 for D
counters() { $PY -c "
import struct, sys; sys.path.insert(0, '$SRC/tests/common'); import safetensors_file as st
h, d = st.split(open('$1', 'rb').read()); b, e = h['counters']['data_offsets']
print(*struct.unpack('<4q', d[b:e]))"; }
check "Adam restarts with the 16 px phase (step cursor t_g t_d: $(counters "$T/full/state.bin"))" \
  test "$(counters "$T/full/state.bin")" = "14 14 6 6"
run --set train.steps=4 --set "output.dir=$T/edge"
"$GAN" train --resume "$T/edge" --set train.steps=14 --quiet >/dev/null 2>&1
check "4 steps (a phase's first step next) + resume to 14 == 14 steps" cmp -s <(st_data "$T/edge/g.bin") <(st_data "$T/full/g.bin")
run --set train.steps=14 --set train.threads=1 --set "output.dir=$T/one"
check "1 thread == 2 threads (G tensors)" cmp -s <(st_data "$T/one/g.bin") <(st_data "$T/full/g.bin")
check "1 thread == 2 threads (D tensors)" cmp -s <(st_data "$T/one/d.bin") <(st_data "$T/full/d.bin")

# ---- the largest training state: 128 px, growing, EMA, spectral norm, classes (it once overflowed)
"$GAN" train "${TINY[@]}" "${GROW[@]}" --set data.image_size=128 --set data.limit=64 --set model.ngf=2 \
  --set model.ndf=2 --set model.d_norm=spectral --set model.conditional=true --set model.start_size=8 \
  --set train.ema=0.999 --set train.batch_size=8 --set train.steps=2 --set "output.dir=$T/big" \
  --quiet >/dev/null 2>"$T/err"
rc=$?
check "128 px growing conditional run with EMA and spectral norm: exit 0 ($(cat "$T/err"))" test "$rc" -eq 0
check "... and its state has every net's tensors (113, 20 of them toRGB/fromRGB)" sh -c "'$GAN' info '$T/big/state.bin' | grep -c 'rgb' | grep -qx 20 && '$GAN' info '$T/big/state.bin' | grep -qx 'tensors:    113'"

# ---- gan sample: the phase's side, --size for an earlier one
expect 0 "" "$GAN" sample --ckpt "$T/six/g.bin" -n 4 --out "$T/s.png" --npy "$T/s.npy"
check "the 8 px phase samples 8 px images" sh -c "file '$T/s.png' | grep -q '22 x 22'"
check "--npy holds [4, 1, 8, 8]" $PY -c "import sys; h=open('$T/s.npy','rb').read(128); sys.exit(b\"'shape': (4, 1, 8, 8)\" not in h)"
expect 0 "" "$GAN" sample --ckpt "$T/full/g.bin" -n 4 --size 4 --out "$T/s4.png"
check "--size 4 of a grown G: 4 px" sh -c "file '$T/s4.png' | grep -q '14 x 14'"
expect 2 "--size 16: $T/six/g.bin makes sides that are powers of two from 4 to 8" \
  "$GAN" sample --ckpt "$T/six/g.bin" --size 16 --out "$T/x.png"
expect 2 "--size 6:" "$GAN" sample --ckpt "$T/full/g.bin" --size 6 --out "$T/x.png"
"$GAN" train "${TINY[@]}" --set train.steps=2 --set "output.dir=$T/flat" --quiet >/dev/null 2>&1
expect 2 "does not grow; it makes 16 px images only" "$GAN" sample --ckpt "$T/flat/g.bin" --size 8 --out "$T/x.png"
expect 0 "" "$GAN" sample --ckpt "$T/flat/g.bin" --size 16 --out "$T/x.png"
expect 3 "a growing generator still at its 8 px phase (fading in)" "$GAN" export --ckpt "$T/six/g.bin" --onnx "$T/x.onnx"
check "a refused export writes nothing" test ! -e "$T/x.onnx"

# ---- gan bench times a growing config at its full size, or at an earlier phase's side
B=(bench "${TINY[@]}" "${GROW[@]}" --warmup 0 --steps 1 --json)
expect 0 "" "$GAN" "${B[@]}"
check "bench: the full size by default" grep -q '"image_size": 16,' "$T/out"
expect 0 "" "$GAN" "${B[@]}" --size 8
check "bench --size 8" grep -q '"image_size": 8,' "$T/out"
expect 2 "--size 32: the config's nets work at powers of two from 4 to 16" "$GAN" "${B[@]}" --size 32
expect 2 "--size 8: the config does not grow; its nets work at 16 only" "$GAN" bench "${TINY[@]}" --steps 1 --size 8

# ---- nonsense schedules: refused by the config parser, naming the key
C=(--config "$SRC/configs/mnist.json" --set "output.dir=$T/never")
expect 2 "--set model.start_size: expected 4, 8, 16, 32, 64 or 128, got 12" "$GAN" train "${C[@]}" --set model.progressive=true --set model.start_size=12
expect 3 "model.start_size: 64 is larger than data.image_size 32" "$GAN" train "${C[@]}" --set model.progressive=true --set model.start_size=64
expect 2 "model.phase_steps" "$GAN" train "${C[@]}" --set model.progressive=true --set model.phase_steps=0
expect 2 "model.fade_steps" "$GAN" train "${C[@]}" --set model.progressive=true --set model.fade_steps=-1
expect 3 "model.fade_steps: 600 is longer than a phase (model.phase_steps 500)" "$GAN" train "${C[@]}" --set model.progressive=true --set model.phase_steps=500 --set model.fade_steps=600
printf '{"model": {"progressive": true, "start_size": 128}}\n' >"$T/big.json"
expect 3 "$T/big.json: model.start_size: 128 is larger than data.image_size 32" "$GAN" train --config "$T/big.json" --set "output.dir=$T/never"
expect 3 "a conditional net grows from 8 or more, got 4" "$GAN" train "${TINY[@]}" --set model.conditional=true --set model.progressive=true --set model.start_size=4 --set "output.dir=$T/never"
check "no run folder for a refused schedule" test ! -e "$T/never"

# ---- a resume that switches growing on or off
expect 3 "the run has model.progressive true, the config now false" "$GAN" train --resume "$T/six" --set model.progressive=false --set train.steps=8
expect 3 "the run has model.progressive false, the config now true" "$GAN" train --resume "$T/flat" --set model.progressive=true --set model.start_size=4 --set train.steps=4
expect 3 "the run has model.start_size 4, the config now 8" "$GAN" train --resume "$T/six" --set model.start_size=8 --set train.steps=8

# ---- a damaged phase record (and arch) in g.bin
damage() { # damage SRC DST KEY VALUE: metadata KEY set to VALUE (or removed when VALUE is "-")
  $PY -c "
import sys; sys.path.insert(0, '$SRC/tests/common')
import safetensors_file as st
src, dst, key, value = sys.argv[1:5]
h, d = st.split(open(src, 'rb').read())
m = h['__metadata__']
if value == '-': m.pop(key)
else: m[key] = value
open(dst, 'wb').write(st.join(h, d))" "$@"
}
G6=$T/six/g.bin
damage "$G6" "$T/d1.bin" phase -
expect 3 "$T/d1.bin: a growing net's checkpoint without metadata phase" "$GAN" sample --ckpt "$T/d1.bin" --out "$T/dmg.png"
damage "$G6" "$T/d2.bin" phase '{"size":32,"blend":1}'
expect 3 "$T/d2.bin: metadata phase: expected {\"size\": a power of two from 4 to 16" "$GAN" sample --ckpt "$T/d2.bin" --out "$T/dmg.png"
damage "$G6" "$T/d3.bin" phase '{"size":8,"blend":0}'
expect 3 "$T/d3.bin: metadata phase" "$GAN" info "$T/d3.bin"
damage "$G6" "$T/d4.bin" phase '{"size":8,"blend":"half"}'
expect 3 "$T/d4.bin: metadata phase" "$GAN" sample --ckpt "$T/d4.bin" --out "$T/dmg.png"
damage "$T/flat/g.bin" "$T/d5.bin" phase '{"size":16,"blend":1}'
expect 3 "$T/d5.bin: metadata phase in a net that does not grow" "$GAN" sample --ckpt "$T/d5.bin" --out "$T/dmg.png"
damage "$G6" "$T/d6.bin" arch '{"image_size":16,"channels":1,"nz":8,"ngf":8,"ndf":8,"start_size":6}'
expect 3 "$T/d6.bin: metadata arch.start_size: expected a power of two from 4 to the image size 16, got 6" "$GAN" info "$T/d6.bin"
damage "$G6" "$T/d7.bin" arch '{"image_size":16,"channels":1,"nz":8,"ngf":8,"ndf":8}'
expect 3 "$T/d7.bin" "$GAN" sample --ckpt "$T/d7.bin" --out "$T/dmg.png"
check "no grid from a damaged checkpoint" test ! -e "$T/dmg.png"

echo "progressive_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
