#!/usr/bin/env bash
# gan style and gan texture end to end on small pictures gan makes itself:
# outputs, the same bytes twice, intermediate pictures, Ctrl-C (the picture
# so far is written), and one-line errors with their exit codes for bad
# pictures, sizes, weights, weight files and options, none of which writes
# anything at --out. usage: style_transfer_test.sh GAN_BINARY SOURCE_DIR
set -u
GAN=$1
SRC=$2
T=$(mktemp -d /tmp/gan_style_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/../common/check_lib.sh"

# two pictures: a grid of generated digits (content) and one of real ones (style)
"$GAN" train "${TINY[@]}" --set train.steps=4 --set output.sample_every=0 --set "output.dir=$T/run" --quiet >/dev/null
"$GAN" sample --ckpt "$T/run/g.bin" -n 16 --out "$T/content.png" --quiet
cp "$T/run/real.png" "$T/style.png"
P=(--content "$T/content.png" --style "$T/style.png" --threads 1)
S=("${P[@]}" --size 48 --steps 3)

expect 0 "" "$GAN" style "${S[@]}" --out "$T/a.png"
check "prints the picture's path" test "$(cat "$T/out")" = "$T/a.png"
check "reports its steps (at most 4 lines a second), the last among them" grep -q '^step 3/3  loss .* content .* style .* tv .* passes' "$T/err"
check "the picture has the content's aspect, 48 on the long side" \
  sh -c "file '$T/a.png' | grep -q '48 x 48'"
expect 0 "" "$GAN" style "${S[@]}" --out "$T/b.png" --quiet
check "--quiet prints nothing" test ! -s "$T/out" -a ! -s "$T/err"
check "the same inputs and seed give the same bytes" cmp -s "$T/a.png" "$T/b.png"
expect 0 "" "$GAN" style "${S[@]}" --out "$T/c.png" --seed 5 --quiet
check "another seed (other random weights) gives another picture" sh -c "! cmp -s '$T/a.png' '$T/c.png'"
expect 0 "" "$GAN" style "${P[@]}" --size 48 --out "$T/d.png" --steps 4 --save-every 2 --init noise --optimizer adam --lr 0.05
check "--save-every writes the intermediate picture" test -s "$T/d_step0002.png"
check "and says so" grep -q "wrote $T/d_step0002.png" "$T/err"
expect 0 "" "$GAN" texture --style "$T/style.png" --size 40 --steps 2 --threads 1 --out "$T/t.png"
check "gan texture writes its picture" test -s "$T/t.png"

# pretrained weights: a file in torchvision's names (here random, from PyTorch's layout)
if "${GAN_PYTHON:-/usr/bin/python3}" -c 'import torch' 2>/dev/null; then
  "${GAN_PYTHON:-/usr/bin/python3}" "$SRC/tests/parity/style_reference.py" "$T/ref" >/dev/null
  expect 0 "" "$GAN" style "${S[@]}" --weights "$T/ref/vgg.safetensors" --out "$T/w.png"
  check "--weights takes torchvision's vgg19().features" test -s "$T/w.png"
fi
expect 3 "tensor 'features.0.weight' is missing (expected torchvision's vgg19().features weights)" \
  "$GAN" style "${S[@]}" --weights "$T/run/g.bin" --out "$T/x.png"
expect 4 "$T/none.safetensors: cannot open" "$GAN" style "${S[@]}" --weights "$T/none.safetensors" --out "$T/x.png"

# Ctrl-C: the picture so far is written, exit 130
setsid "$GAN" style "${P[@]}" --size 48 --steps 100000 --out "$T/int.png" >"$T/out" 2>"$T/err" &
pid=$!
for _ in $(seq 1 100); do grep -q '^step' "$T/err" 2>/dev/null && break; sleep 0.1; done
kill -INT "$pid"
wait "$pid"
check "SIGINT: exit 130" test $? -eq 130
check "SIGINT: the picture so far is written" test -s "$T/int.png"

# bad input: one line, the code, nothing at --out
printf 'not a picture' >"$T/bad.png"
: >"$T/empty.png"
expect 4 "$T/missing.png: cannot open" "$GAN" style --content "$T/missing.png" --style "$T/style.png" --out "$T/x.png"
expect 3 "$T/bad.png" "$GAN" style --content "$T/bad.png" --style "$T/style.png" --out "$T/x.png"
expect 3 "$T/empty.png" "$GAN" style --content "$T/content.png" --style "$T/empty.png" --out "$T/x.png"
"$GAN" sample --ckpt "$T/run/g.bin" -n 1 --out "$T/one.png" --quiet # 16x16: at --size 64, fine; a strip is not
"$GAN" sample --ckpt "$T/run/g.bin" -n 8 --nrow 8 --out "$T/strip.png" --quiet
expect 3 "$T/strip.png: 146x20 scaled to 64x9 is smaller than 16 pixels a side" \
  "$GAN" style --content "$T/strip.png" --style "$T/style.png" --size 64 --out "$T/x.png"
expect 2 "--size: expected an integer from 32 to 2048" "$GAN" style "${P[@]}" --size 8 --out "$T/x.png"
expect 2 "--size: expected an integer from 32 to 2048" "$GAN" style "${P[@]}" --size 100000 --out "$T/x.png"
expect 2 "--style-weight: expected a number from 0 to 1e+12, got '-1'" "$GAN" style "${S[@]}" --style-weight -1 --out "$T/x.png"
expect 2 "--content-weight: expected a number from 0 to 1e+12, got 'nan'" "$GAN" style "${S[@]}" --content-weight nan --out "$T/x.png"
expect 2 "--tv-weight: expected a number" "$GAN" style "${S[@]}" --tv-weight 1e400 --out "$T/x.png"
expect 2 "--steps: expected an integer from 1" "$GAN" style "${P[@]}" --steps 0 --out "$T/x.png"
expect 2 "--init: expected content or noise, got 'zeros'" "$GAN" style "${S[@]}" --init zeros --out "$T/x.png"
expect 2 "--optimizer: expected lbfgs or adam, got 'sgd'" "$GAN" style "${S[@]}" --optimizer sgd --out "$T/x.png"
expect 2 "--lr is Adam's" "$GAN" style "${S[@]}" --lr 0.1 --out "$T/x.png"
expect 2 "--content FILE is required" "$GAN" style --style "$T/style.png" --out "$T/x.png"
expect 2 "--style FILE is required" "$GAN" texture --out "$T/x.png"
expect 2 "unknown option" "$GAN" texture --style "$T/style.png" --content "$T/content.png"
check "no refused run wrote --out" test ! -e "$T/x.png"
touch "$T/afile"
expect 4 "$T/afile/x.png" "$GAN" style "${S[@]}" --out "$T/afile/x.png"
# AddressSanitizer reserves terabytes of address space, so its build cannot run under ulimit -v at all.
if ldd "$GAN" | grep -q libasan; then
  echo "style_transfer_test: the memory-limit case skipped (AddressSanitizer build)" >&2
else
  (ulimit -v 400000 && "$GAN" style "${P[@]}" --size 2048 --out "$T/x.png" >"$T/out" 2>"$T/err")
  rc=$?
  check "a picture too large for the memory limit is refused, exit 3 ($(head -c 200 "$T/err"))" test "$rc" -eq 3
  check "with its estimate and the limit" grep -q "the job needs about .* but ulimit -v (RLIMIT_AS) allows" "$T/err"
fi
check "still nothing at --out" test ! -e "$T/x.png"

echo "style_transfer_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
