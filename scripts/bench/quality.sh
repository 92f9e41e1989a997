#!/usr/bin/env bash
# Picture quality per CPU-second: trains recipes of the default MNIST job for
# the same training time (train.time_limit), evaluates each with the tool's
# classifier during training and at the end, runs PyTorch's DCGAN twin for the
# same time, and prints a Markdown table. A benchmark, not a test: it takes
# (recipes + 1) x SECONDS plus evaluation time.
#
# usage: scripts/bench/quality.sh [--seconds S | --steps N] [--out DIR] [--before GAN] [RECIPE...]
#   --seconds S  the same training time for each recipe (default 300)
#   --steps N    the same number of steps instead (quality per step; the img/s
#                column then gives each recipe's cost, and a noisy machine's
#                speed swings stop deciding the ranking)
#   --before GAN another gan binary (one built from an older commit, say): adds
#                the recipe "before", the default job trained by that binary, so
#                a speed change shows as FID at the same wall time
#   recipes (default: all of them but the sweeps), each the default job plus:
#     classic    configs/mnist-dcgan-classic.json as it is (the 2015 recipe)
#     ema        train.ema 0.999
#     hinge      train.loss hinge
#     lsgan      train.loss lsgan
#     spectral   model.d_norm spectral with the hinge loss (SNGAN's pairing)
#     diffaug    train.augment translation, cutout
#     default    configs/mnist.json as it is (the chosen combination)
#     cond       configs/mnist-cond.json: the default job, class-conditional (conditional
#                batchnorm in G; projection D with its class loss, train.class_loss 0.1)
#     cond-concat  the same with G taking a class embedding beside z (model.g_condition concat)
#     cond-noaux   the same without the class loss (train.class_loss 0)
#     ttur       lr_d 4e-4, lr_g 1e-4            (sweeps: named to run)
#     lr4        lr_d = lr_g = 4e-4
#     beta0      beta1 0, lr 2e-4
#     lr4ema     lr_d = lr_g = 4e-4 and train.ema 0.999
#     lr4hinge   lr_d = lr_g = 4e-4 and train.loss hinge
#     lr4ttur    lr_d 4e-4, lr_g 2e-4
#     b32lr4     batch 32 (twice the steps per epoch), lr_d = lr_g = 4e-4
#     b32lr4ema  the same with train.ema 0.999 (the default job until 2026-12-02)
#     before     configs/mnist.json trained by --before's binary (evaluated by this one)
#     torch      PyTorch's DCGAN twin (scripts/bench/train_torch_dcgan.py)
#     NAME:KEY=VALUE,KEY=VALUE...   any other: the classic config with these --set
#                options, e.g. b32:train.batch_size=32,train.lr_g=0.0004
# The table: steps and img/s, FID at 60 s, 150 s and the end of training,
# and at the end IS, class entropy, classes covered and the largest class share
# (gan eval -n 5000). Runs go to DIR (default runs/quality).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=300
STEPS=0
OUT=runs/quality
RECIPES=()
GAN_BEFORE=
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH=$2; shift 2 ;;
    --steps) STEPS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --before) GAN_BEFORE=$2; shift 2 ;;
    -h|--help) sed -n '2,40p' "$0"; exit 0 ;;
    *) RECIPES+=("$1"); shift ;;
  esac
done
[ ${#RECIPES[@]} -gt 0 ] || RECIPES=(classic ema hinge lsgan spectral diffaug default cond torch)
[ -z "$GAN_BEFORE" ] || [ -x "$GAN_BEFORE" ] || { echo "quality: --before $GAN_BEFORE: not an executable" >&2; exit 2; }
[ -z "$GAN_BEFORE" ] || [[ " ${RECIPES[*]} " == *" before "* ]] || RECIPES+=(before)
scripts/setup.sh build >/dev/null
GAN=build/gan
PY=/usr/bin/python3
mkdir -p "$OUT"
CLS=$OUT/classifier/classifier.bin
[ -f "$CLS" ] || $GAN classify train --config configs/mnist-classifier.json --set "output.dir=$OUT/classifier" --quiet >/dev/null

# recipe -> config and --set options
recipe_args() {
  case "$1" in
    classic) echo "--config configs/mnist-dcgan-classic.json" ;;
    default|before) echo "--config configs/mnist.json" ;;
    cond) echo "--config configs/mnist-cond.json" ;;
    cond-concat) echo "--config configs/mnist-cond.json --set model.g_condition=concat" ;;
    cond-noaux) echo "--config configs/mnist-cond.json --set train.class_loss=0" ;;
    ema) echo "--config configs/mnist-dcgan-classic.json --set train.ema=0.999" ;;
    hinge) echo "--config configs/mnist-dcgan-classic.json --set train.loss=hinge" ;;
    lsgan) echo "--config configs/mnist-dcgan-classic.json --set train.loss=lsgan" ;;
    spectral) echo "--config configs/mnist-dcgan-classic.json --set model.d_norm=spectral --set train.loss=hinge" ;;
    diffaug) echo "--config configs/mnist-dcgan-classic.json --set train.augment=translation,cutout" ;;
    ttur) echo "--config configs/mnist-dcgan-classic.json --set train.lr_d=0.0004 --set train.lr_g=0.0001" ;;
    lr4) echo "--config configs/mnist-dcgan-classic.json --set train.lr_d=0.0004 --set train.lr_g=0.0004" ;;
    beta0) echo "--config configs/mnist-dcgan-classic.json --set train.beta1=0" ;;
    lr4ema) echo "--config configs/mnist-dcgan-classic.json --set train.lr_d=0.0004 --set train.lr_g=0.0004 --set train.ema=0.999" ;;
    lr4hinge) echo "--config configs/mnist-dcgan-classic.json --set train.lr_d=0.0004 --set train.lr_g=0.0004 --set train.loss=hinge" ;;
    b32lr4) echo "--config configs/mnist-dcgan-classic.json --set train.batch_size=32 --set train.lr_d=0.0004 --set train.lr_g=0.0004" ;;
    b32lr4ema) echo "--config configs/mnist-dcgan-classic.json --set train.batch_size=32 --set train.lr_d=0.0004 --set train.lr_g=0.0004 --set train.ema=0.999" ;;
    lr4ttur) echo "--config configs/mnist-dcgan-classic.json --set train.lr_d=0.0004 --set train.lr_g=0.0002" ;;
    *:*) local sets=${1#*:} a=(--config configs/mnist-dcgan-classic.json)
      IFS=, read -ra kv <<<"$sets"
      for x in "${kv[@]}"; do a+=(--set "$x"); done
      echo "${a[*]}" ;;
    *) echo "quality: unknown recipe '$1'" >&2; return 1 ;;
  esac
}

ROWS=$OUT/rows.jsonl
: >"$ROWS"
for r in "${RECIPES[@]}"; do
  dir=$OUT/${r%%:*}
  rm -rf "$dir"
  if [ "$r" = torch ] && [ "$STEPS" -gt 0 ]; then
    echo "quality: the PyTorch twin runs on a time budget only (--seconds); skipped" >&2
    continue
  fi
  if [ "$r" = torch ]; then
    # PyTorch's twin for the same training time; its samples evaluated with the same classifier
    $PY scripts/bench/train_torch_dcgan.py --seconds "$SECONDS_EACH" --at "60,150,$SECONDS_EACH" --out "$dir" >"$dir.log" 2>&1
    steps=$(sed -n 's/^train_torch_dcgan: \([0-9]*\) steps (\([0-9]*\) img\/s).*/\1 \2/p' "$dir.log")
    for at in 60 150 "$SECONDS_EACH"; do
      $GAN eval --classifier "$CLS" --npy "$dir/torch_${at}s.npy" --json --quiet >"$dir/eval_$at.json"
    done
    $PY - "$r" "$dir" "$SECONDS_EACH" "$steps" >>"$ROWS" <<'PY'
import json, sys
r, d, end, steps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split()
ev = {at: json.load(open(f"{d}/eval_{at}.json")) for at in ("60", "150", end)}
last = ev[end]
print(json.dumps(dict(recipe="PyTorch DCGAN (twin)", steps=int(steps[0]), ips=float(steps[1]),
                      fid60=ev["60"]["fid"], fid150=ev["150"]["fid"], fid=last["fid"], eval=last)))
PY
    continue
  fi
  trainer=$GAN
  read -ra args <<<"$(recipe_args "$r")"
  label=${r%%:*}
  if [ "$r" = before ]; then
    [ -n "$GAN_BEFORE" ] || { echo "quality: recipe 'before' needs --before GAN" >&2; exit 2; }
    trainer=$GAN_BEFORE
    # An older binary refuses keys added after it: give it the default job without them, and say so.
    known=$("$GAN_BEFORE" train --print-keys | sed -n 's/^| `\([a-z0-9_.]*\)`.*/\1/p')
    dropped=$($PY - configs/mnist.json "$dir.config.json" "$known" <<'PY'
import json, sys
cfg, known = json.load(open(sys.argv[1])), set(sys.argv[3].split())
dropped = [f"{s}.{k}" for s in cfg for k in list(cfg[s]) if f"{s}.{k}" not in known]
for path in dropped:
    s, k = path.split(".", 1)
    del cfg[s][k]
json.dump(cfg, open(sys.argv[2], "w"), indent=2)
print(" ".join(dropped))
PY
)
    args=(--config "$dir.config.json")
    label="default, trained by $GAN_BEFORE"
    [ -z "$dropped" ] || label+=" (without ${dropped// /, }, keys it does not know)"
  fi
  if [ "$STEPS" -gt 0 ]; then budget=(--set "train.steps=$STEPS"); else
    budget=(--set "train.time_limit=$SECONDS_EACH" --set train.steps=100000000); fi
  $trainer train "${args[@]}" --set "output.dir=$dir" "${budget[@]}" --set "eval.classifier=$CLS" --set eval.every=100 --set output.sample_every=0 \
    --set output.checkpoint_every=0 --quiet >/dev/null 2>"$dir.err" || { cat "$dir.err" >&2; exit 1; }
  $GAN eval --classifier "$CLS" --ckpt "$dir/g.bin" -n 5000 --json --quiet >"$dir/eval.json"
  $GAN sample --ckpt "$dir/g.bin" -n 64 --out "$dir/samples.png" --quiet
  $PY - "$label" "$dir" "$STEPS" >>"$ROWS" <<'PY'
import csv, json, sys
r, d, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [x for x in csv.DictReader(open(f"{d}/metrics.csv")) if x["fid"]]
# the last evaluation at or before 60 s and 150 s of training; on a step budget, at or
# before a third and two thirds of the steps (seconds would follow the machine's load)
key, marks = ("step", (steps // 3, 2 * steps // 3)) if steps > 0 else ("train_s", (60, 150))
def fid_at(t):
    before = [x for x in rows if float(x[key]) <= t]
    return float(before[-1]["fid"]) if before else float("nan")
last = list(csv.DictReader(open(f"{d}/metrics.csv")))[-1]
step, ts = int(last["step"]), float(last["train_s"])
batch = json.load(open(f"{d}/config.json"))["train"]["batch_size"]
print(json.dumps(dict(recipe=r, steps=step, ips=step * batch / ts, fid60=fid_at(marks[0]), fid150=fid_at(marks[1]),
                      fid=json.load(open(f"{d}/eval.json"))["fid"], eval=json.load(open(f"{d}/eval.json")))))
PY
done

$PY - "$ROWS" "$SECONDS_EACH" "$STEPS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
steps = int(sys.argv[3])
budget = f"{steps} steps" if steps > 0 else f"{sys.argv[2]} s"
m1, m2 = (f"step {steps // 3}", f"step {2 * steps // 3}") if steps > 0 else ("60 s", "150 s")
print(f"\n{budget} of training each (gan eval -n 5000 at the end; FID at {m1} and {m2} from evaluations of 2,000 samples every 100 steps)\n")
print(f"| recipe | steps | img/s | FID {m1} | FID {m2} | FID end | IS | class entropy (bits) | classes covered | largest class |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    e = r["eval"]
    counts = e["class_counts_generated"]
    share = max(counts) / sum(counts)
    print(f"| {r['recipe']} | {r['steps']} | {r['ips']:.0f} | {r['fid60']:.1f} | {r['fid150']:.1f} | **{r['fid']:.1f}** | "
          f"{e['inception_score']:.2f} | {e['class_entropy_bits']:.2f} | {e['classes_covered']}/{len(counts)} | {share:.1%} |")
cond = [r for r in rows if "class_agreement" in r["eval"]]
if cond:  # conditional generators, class by class (gan eval: 500 samples of each class)
    print("\n| recipe | FID (all classes) | class agreement mean | lowest (class) | intra-class FID mean | per class agreement |")
    print("|---|---|---|---|---|---|")
    for r in cond:
        e = r["eval"]
        low = min(e["per_class"], key=lambda c: c["agreement"])
        per = " ".join(f"{c['agreement']:.1%}" for c in e["per_class"])
        print(f"| {r['recipe']} | {e['fid']:.1f} | {e['class_agreement']:.1%} | {low['agreement']:.1%} ({low['class']}) | "
              f"{e['intra_fid_mean']:.1f} | {per} |")
PY
