#!/usr/bin/env bash
# End-to-end tests of gan classify and gan eval: outputs, JSON, the .npy path
# agreeing with the generator path, evaluation during training, and one-line
# errors for the wrong kind of file. usage: eval_test.sh GAN_BINARY SOURCE_DIR
set -u
GAN=$1
SRC=$2
T=$(mktemp -d /tmp/gan_eval_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/../common/check_lib.sh"
DATA="$SRC/data/mnist10k"
# 16x16 digits so that everything runs in seconds.
CLS=(--config "$SRC/configs/mnist-classifier.json" --set "data.path=$DATA/images-idx3-ubyte.gz"
     --set "data.labels=$DATA/labels-idx1-ubyte.gz" --set data.image_size=16 --set data.fit=resize
     --set data.limit=2000 --set classifier.epochs=6 --set classifier.width=16 --set classifier.hidden=32
     --set train.threads=1 --set "output.dir=$T/cls")
SMALL=("${TINY[@]}" --set output.sample_every=0 --set output.checkpoint_every=0 --set output.log_every=4 --set train.threads=1)
C="$T/cls/classifier.bin"

# ---- gan classify train
"$GAN" classify train "${CLS[@]}" >"$T/out" 2>"$T/err"
rc=$?
check "classify train exit 0 ($(tail -1 "$T/err"))" test "$rc" -eq 0
check "stdout is the classifier path" test "$(cat "$T/out")" = "$C"
check "progress reports test accuracy per epoch" test "$(grep -c '^epoch .* test acc' "$T/err")" -eq 6
acc=$(sed -n 's/.*test accuracy \([0-9.]*\)%.*/\1/p' "$T/err")
check "classifier is well above chance (test accuracy $acc%)" awk "BEGIN { exit !($acc > 80) }"
expect 0 "" "$GAN" info "$C"
check "info names a classifier" grep -q "kind:       classifier" "$T/out"
check "classifier state_dict has the head Linear" grep -q "7.weight .*F32 \[32, 512\]" "$T/out"

# ---- a small generator, evaluated every 4 steps during training
"$GAN" train "${SMALL[@]}" --set train.steps=12 --set "eval.classifier=$C" --set eval.every=4 --set eval.samples=200 \
  --set "output.dir=$T/g" >/dev/null 2>"$T/err"
rc=$?
check "training with eval exit 0 ($(tail -1 "$T/err"))" test "$rc" -eq 0
check "training logs eval lines" test "$(grep -c '^eval step .*FID' "$T/err")" -eq 3
check "metrics.csv has FID columns" \
  grep -q "^step,.*,fid,inception_score,class_entropy,train_s,class_loss_d,class_loss_g,kid,kid_std,precision,recall,density,coverage,size,blend$" \
  "$T/g/metrics.csv"
check "without the class loss its columns are empty" test "$(awk -F, 'NR > 1 && ($13 != "" || $14 != "")' "$T/g/metrics.csv")" = ""
check "FID recorded at steps 4, 8, 12" test "$(awk -F, 'NR > 1 && $9 != "" { printf "%s ", $1 }' "$T/g/metrics.csv")" = "4 8 12 "
check "g_best.bin written" test -s "$T/g/g_best.bin"
best=$(awk -F, 'NR > 1 && $9 != "" { print $9 }' "$T/g/metrics.csv" | sort -g | head -1)
bstep=$(awk -F, -v b="$best" 'NR > 1 && $9 == b { print $1; exit }' "$T/g/metrics.csv")
check "g_best.bin is the lowest-FID step ($bstep)" bash -c "'$GAN' info '$T/g/g_best.bin' | grep -q 'step:       $bstep\$'"
expect 3 "config: eval.every needs eval.classifier" "$GAN" train "${SMALL[@]}" --set eval.every=4 --set "output.dir=$T/g2"
expect 3 "config: train.class_loss needs model.conditional true" "$GAN" train "${SMALL[@]}" --set train.class_loss=1 \
  --set "output.dir=$T/g3"
expect 3 "train.batch_size 12 is not a multiple of 8" "$GAN" train "${SMALL[@]}" --set train.deterministic=true \
  --set train.batch_size=12 --set "output.dir=$T/g4"
expect 3 "reads 16x16x1 images, but this run makes 32x32x1" "$GAN" train "${SMALL[@]}" --set data.image_size=32 \
  --set "eval.classifier=$C" --set "output.dir=$T/g3"

# ---- the metrics plot (gnuplot, when installed)
if command -v gnuplot >/dev/null; then
  bash "$SRC/scripts/plot_metrics.sh" "$T/g" "$T/m.png" >"$T/out" 2>"$T/err"
  rc=$?
  check "plot_metrics exit 0 ($(cat "$T/err"))" test "$rc" -eq 0
  check "plot_metrics wrote a PNG" test "$(head -c 4 "$T/m.png" | od -An -tx1 | tr -d ' ')" = "89504e47"
else
  echo "eval_test: plot test skipped (no gnuplot)" >&2
fi

# ---- gan eval: table, JSON, and a .npy of the same images gives the same numbers
G="$T/g/g.bin"
expect 0 "" "$GAN" eval --ckpt "$G" --classifier "$C" -n 300 --quiet
check "table has FID beside its floor" grep -qE "^FID +[0-9.]+ +[0-9.]+$" "$T/out"
check "table has KID beside its floor" grep -qE "^KID +-?[0-9.]+ +-?[0-9.]+ +\(\+- [0-9.]+; 100 subsets of 300\)$" "$T/out"
for m in precision recall density coverage; do
  check "table has $m beside its floor" grep -qE "^$m +[0-9.]+ +[0-9.]+$" "$T/out"
done
check "the floor is two halves of 300 real images" grep -q "halves of the real images, 300 each; k-NN balls of k = 3" "$T/out"
check "table names the reference key" grep -qE "^real +300 images from .* \(reference key [0-9a-f]{16}\)$" "$T/out"
check "the reference features are cached beside the classifier" test -n "$(ls "$T/cls"/eval-*.bin 2>/dev/null)"
check "table has a row per class" test "$(grep -cE '^ +[0-9] +[0-9.]+% +[0-9.]+%$' "$T/out")" -eq 10
expect 0 "" "$GAN" eval --ckpt "$G" --classifier "$C" -n 300 --json --quiet
cp "$T/out" "$T/a.json"
fid_a=$(sed -n 's/^\t"fid":\t\([0-9.e+-]*\),$/\1/p' "$T/a.json")
check "JSON has fid ($fid_a)" test -n "$fid_a"
check "JSON has both class histograms" grep -q '"class_counts_generated"' "$T/a.json"
"$GAN" sample --ckpt "$G" -n 300 --npy "$T/s.npy" --out "$T/s.png" --quiet
expect 0 "" "$GAN" eval --npy "$T/s.npy" --classifier "$C" --json --quiet
fid_b=$(sed -n 's/^\t"fid":\t\([0-9.e+-]*\),$/\1/p' "$T/out")
# (equal up to float rounding: the two paths run G in batches of different sizes)
check "--npy of gan sample's images gives the FID of --ckpt ($fid_a ~ $fid_b)" \
  awk "BEGIN { d = $fid_a - $fid_b; exit !(d * d < 1e-8 * $fid_a * $fid_a) }"
expect 0 "" "$GAN" eval --ckpt "$G" --classifier "$C" -n 300 --seed 2 --json --quiet
fid_c=$(sed -n 's/^\t"fid":\t\([0-9.e+-]*\),$/\1/p' "$T/out")
check "another seed, another FID" test "$fid_a" != "$fid_c"

# ---- wrong files and options: one line, the right exit code
expect 3 "this is a generator checkpoint; a classifier (from gan classify train) is needed here" \
  "$GAN" eval --ckpt "$G" --classifier "$G"
expect 3 "this is a classifier checkpoint; a generator or discriminator is needed here" \
  "$GAN" eval --ckpt "$C" --classifier "$C"
expect 3 "this is a classifier checkpoint" "$GAN" sample --ckpt "$C"
expect 2 "--classifier FILE is required" "$GAN" eval --ckpt "$G"
expect 2 "give exactly one of --ckpt G.bin and --npy FILE" "$GAN" eval --classifier "$C"
expect 2 "-n: expected an integer from 2 to 100000, got '1'" "$GAN" eval --ckpt "$G" --classifier "$C" -n 1
expect 4 "$T/none.bin: cannot open" "$GAN" eval --ckpt "$G" --classifier "$T/none.bin"
"$GAN" sample --ckpt "$G" -n 4 --z-out "$T/z.npy" --out "$T/z.png" --quiet
expect 3 "$T/z.npy: expected images of shape [n, 1, 16, 16]" "$GAN" eval --npy "$T/z.npy" --classifier "$C"
cp "$T/s.npy" "$T/big.npy"   # the last value becomes float32 255.0 (bytes 00 00 7f 43)
printf '\x00\x00\x7f\x43' | dd of="$T/big.npy" bs=1 seek=$(($(stat -c %s "$T/s.npy") - 4)) conv=notrunc 2>/dev/null
expect 3 "$T/big.npy: value 255 at index" "$GAN" eval --npy "$T/big.npy" --classifier "$C"
expect 3 "$SRC/data/mnist10k/images-idx3-ubyte.gz: this is an IDX image file" \
  "$GAN" classify train "${CLS[@]}" --set "data.labels=$DATA/images-idx3-ubyte.gz"
{ printf '\x00\x00\x08\x01\x00\x00\x00\xc8'; gzip -dc "$DATA/labels-idx1-ubyte.gz" | tail -c +9 | head -c 200; } | gzip >"$T/l200.gz"
expect 3 "$T/l200.gz: 200 labels for the 10000 images" "$GAN" classify train "${CLS[@]}" --set data.limit=0 --set "data.labels=$T/l200.gz"
# an image folder: its class folders are the labels (two classes of 16x16 RGB grids here)
mkdir -p "$T/folder/dark" "$T/folder/light"
"$GAN" sample --ckpt "$G" -n 1 --seed 1 --out "$T/one.png" --quiet
for i in $(seq 1 20); do
  cp "$T/one.png" "$T/folder/dark/$i.png"
  "$GAN" sample --ckpt "$G" -n 1 --seed "$((i + 1))" --out "$T/folder/light/$i.png" --quiet
done
FOLDER=(--set data.format=folder --set "data.path=$T/folder" --set data.channels=3 --set data.limit=0
        --set train.batch_size=8)
expect 3 "$T/folder: 2 classes in the data, but classifier.classes is 10" "$GAN" classify train "${CLS[@]}" "${FOLDER[@]}"
expect 0 "" "$GAN" classify train "${CLS[@]}" "${FOLDER[@]}" --set classifier.classes=2 --set "output.dir=$T/fcls"
check "a folder classifier is written" test -s "$T/fcls/classifier.bin"
check "it says 36 training and 4 test images" grep -q "36 training and 4 test images" "$T/err"
expect 2 "unknown subcommand 'test'" "$GAN" classify test

# ---- a conditional generator: class agreement and intra-class FID, overall and per class
"$GAN" train "${SMALL[@]}" --set model.conditional=true --set "data.labels=$DATA/labels-idx1-ubyte.gz" \
  --set train.class_loss=1 --set train.steps=12 --set output.log_every=4 --set "output.dir=$T/cg" >/dev/null 2>"$T/err"
check "the log lines give both class losses" test "$(grep -cE 'class_D [0-9.]+  class_G [0-9.]+$' "$T/err")" -eq 3
# 10 classes: an untrained classifier's cross-entropy is near ln 10 = 2.3
check "metrics.csv gives both class losses, each between 0.5 and 5" \
  test "$(awk -F, 'NR > 1 && $13 > 0.5 && $13 < 5 && $14 > 0.5 && $14 < 5' "$T/cg/metrics.csv" | wc -l)" -eq 3
expect 0 "" "$GAN" eval --ckpt "$T/cg/g.bin" --classifier "$C" -n 300 --quiet
check "the table has class agreement" grep -q "^class agreement .*% .*(mean over classes; lowest" "$T/out"
check "the table has intra-class FID beside its floor" grep -qE "^intra-class FID +[0-9.]+ +\(mean over classes; floor [0-9.]+\)$" "$T/out"
check "the table has intra-class KID beside its floor" grep -qE "^intra-class KID +-?[0-9.]+ +\(mean over classes; floor -?[0-9.]+\)$" "$T/out"
check "the table has a row per class" \
  test "$(grep -cE '^[0-9] +[0-9.]+% +[0-9.]+ +[0-9.]+ +-?[0-9.]+ +-?[0-9.]+ +[0-9]+ +30$' "$T/out")" -eq 10
expect 0 "" "$GAN" eval --ckpt "$T/cg/g.bin" --classifier "$C" -n 300 --json --quiet
check "JSON has class_agreement, its minimum and intra_fid_mean" \
  bash -c "grep -q '\"class_agreement\":' '$T/out' && grep -q '\"class_agreement_min\":' '$T/out' && grep -q '\"intra_fid_mean\":' '$T/out'"
check "JSON has ten per_class entries" test "$(grep -c '\"intra_fid\":' "$T/out")" -eq 10
"$GAN" classify train "${CLS[@]}" --set classifier.classes=11 --set classifier.epochs=1 --set "output.dir=$T/c11" --quiet >/dev/null 2>&1
expect 3 "10 classes, but the classifier $T/c11/classifier.bin knows 11: class agreement needs the same classes" \
  "$GAN" eval --ckpt "$T/cg/g.bin" --classifier "$T/c11/classifier.bin" -n 100

# ---- the reference cache: written beside the classifier, read the second time, rebuilt when damaged
expect 0 "" "$GAN" eval --ckpt "$G" --classifier "$C" -n 300
check "the second evaluation reads the real features from the cache" grep -q "the real images' features from $T/cls/eval-" "$T/err"
fid_again=$(grep -E '^FID ' "$T/out" | awk '{print $2}')
for f in "$T/cls"/eval-*.bin; do head -c 100 "$f" >"$f.cut" && mv "$f.cut" "$f"; done
expect 0 "" "$GAN" eval --ckpt "$G" --classifier "$C" -n 300
check "a damaged cache is reported and rebuilt" grep -q "does not hold what its name says: classified again" "$T/err"
check "... giving the same FID ($fid_again)" test "$(grep -E '^FID ' "$T/out" | awk '{print $2}')" = "$fid_again"
expect 0 "" "$GAN" eval --ckpt "$G" --classifier "$C" -n 300 --no-cache
check "--no-cache classifies afresh" grep -q "classifying 600 real images" "$T/err"
# ---- counts too small for a measure: refused with the numbers
expect 2 "--kid-size 400: more than the 300 generated and 300 real images" "$GAN" eval --ckpt "$G" --classifier "$C" -n 300 --kid-size 400
expect 2 "--k 100: precision and recall need more than k images of each set (100, 100)" "$GAN" eval --ckpt "$G" --classifier "$C" -n 100 --k 100
expect 2 "--nearest-pixels and --nearest-out go with --nearest K" "$GAN" eval --ckpt "$G" --classifier "$C" --nearest-pixels
# ---- an unconditional generator class by class: its images by the class the classifier gives them
expect 0 "" "$GAN" eval --ckpt "$G" --classifier "$C" -n 300 --per-class --set "data.labels=$DATA/labels-idx1-ubyte.gz"
check "--per-class: intra-class FID beside its floor, without agreement" \
  sh -c "grep -qE '^intra-class FID .*floor' $T/out && ! grep -q '^class agreement' $T/out"
# ---- KID and precision/recall during training (eval.metrics)
"$GAN" train "${SMALL[@]}" --set train.steps=8 --set "eval.classifier=$C" --set eval.every=4 --set eval.samples=100 \
  --set 'eval.metrics=kid,pr' --set "output.dir=$T/em" >/dev/null 2>"$T/err"
check "eval.metrics: the eval lines give KID and precision" \
  sh -c "[ \$(grep -c '^eval step .*: KID ' $T/err) -eq 2 ] && [ \$(grep -c '^eval step .*: precision ' $T/err) -eq 2 ]"
check "eval.metrics: metrics.csv has KID and precision at steps 4 and 8" \
  test "$(awk -F, 'NR > 1 && $15 != "" && $17 != "" { printf "%s ", $1 }' "$T/em/metrics.csv")" = "4 8 "

# ---- the memorisation check: a generator trained long on 32 images copies them; one trained briefly
# on 2,000 does not. In pixels the copies stand out (41 % of the samples nearer a training image than
# 99 % of real images are, against 0 %); this small classifier's 32 features blur them more (the median
# nearest distance 0.93 times the real images' against 2.3 times).
ONE32=(--data "$DATA/images-idx3-ubyte.gz" --set data.limit=32 -n 200 --nearest 8 --quiet)
"$GAN" train "${SMALL[@]}" --set data.limit=32 --set train.steps=1500 --set model.ngf=16 --set model.ndf=16 \
  --set train.ema=0.99 --set "output.dir=$T/copy" --quiet >/dev/null 2>&1
"$GAN" train "${SMALL[@]}" --set data.limit=2000 --set train.steps=300 --set model.ngf=16 --set model.ndf=16 \
  --set "output.dir=$T/fresh" --quiet >/dev/null 2>&1
field() { # FIELD CKPT [options]: the memorisation check's FIELD from the JSON
  "$GAN" eval --ckpt "$2" --classifier "$C" "${ONE32[@]}" --nearest-out "$T/pairs.png" --json "${@:3}" |
    sed -n "s/.*\"$1\":[[:space:]]*\([0-9.e-]*\).*/\1/p"
}
copy=$(field share_nearer_than_1st_percentile "$T/copy/g.bin" --nearest-pixels)
fresh=$(field share_nearer_than_1st_percentile "$T/fresh/g.bin" --nearest-pixels)
check "memorisation in pixels: the copying generator stands out ($copy against $fresh)" \
  awk "BEGIN { exit !($copy >= 0.2 && $fresh <= 0.02) }"
copy=$(field median_ratio "$T/copy/g.bin") fresh=$(field median_ratio "$T/fresh/g.bin")
check "memorisation in features: the copier's samples lie nearer the training set ($copy against $fresh)" \
  awk "BEGIN { exit !($copy < 0.6 * $fresh) }"
check "memorisation: the grid of pairs is written" test -s "$T/pairs.png"

echo "eval_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
