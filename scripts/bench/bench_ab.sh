#!/usr/bin/env bash
# What a change of config costs per training step: `gan bench` of several
# variants of one config, alternated round by round (so that a slow patch of
# the machine hits every variant alike), then each variant's median images/s
# and its ratio to the first variant's median. A benchmark, not a test: it
# prints a Markdown table. Needs the machine to itself.
# usage: scripts/bench/bench_ab.sh [--gan GAN] [--config FILE] [--rounds N] [--steps N]
#          'LABEL: KEY=VALUE KEY=VALUE ...' ...
#   (defaults: build/gan, the built-in config, 7 rounds, 30 steps; the first
#    variant is the baseline, and 'LABEL:' alone is the config unchanged)
# example: scripts/bench/bench_ab.sh --config configs/mnist-cond.json \
#            'unconditional: model.conditional=false train.class_loss=0' 'conditional:'
set -euo pipefail
cd "$(dirname "$0")/../.."
GAN=build/gan CONFIG="" ROUNDS=7 STEPS=30
while [ $# -gt 0 ]; do
  case $1 in
  --gan) GAN=$2; shift 2 ;;
  --config) CONFIG=$2; shift 2 ;;
  --rounds) ROUNDS=$2; shift 2 ;;
  --steps) STEPS=$2; shift 2 ;;
  --) shift; break ;;
  -*) echo "bench_ab: unknown option $1" >&2; exit 2 ;;
  *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "bench_ab: give at least one variant, 'LABEL: KEY=VALUE ...'" >&2; exit 2; }
for v in "$@"; do
  case $v in *:*) ;; *) echo "bench_ab: variant '$v' has no 'LABEL:'" >&2; exit 2 ;; esac
done
T=$(mktemp -d /tmp/gan_bench_ab_XXXXXX)
trap 'rm -rf "$T"' EXIT

for ((r = 1; r <= ROUNDS; r++)); do
  i=0
  for v in "$@"; do
    args=(bench --steps "$STEPS" --json)
    [ -n "$CONFIG" ] && args+=(--config "$CONFIG")
    for kv in ${v#*:}; do args+=(--set "$kv"); done
    out=$("$GAN" "${args[@]}") || { echo "bench_ab: '$GAN ${args[*]}' failed" >&2; exit 1; }
    sed -n 's/.*"images_per_second": \([0-9.]*\).*/\1/p' <<<"$out" >>"$T/$i"
    i=$((i + 1))
  done
  echo "bench_ab: round $r/$ROUNDS done" >&2
done

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
base=$(median "$T/0")
echo "| variant | img/s (median of $ROUNDS) | lowest, highest | vs ${1%%:*} |"
echo "|---|---|---|---|"
i=0
for v in "$@"; do
  m=$(median "$T/$i")
  printf '| %s | %.1f | %.1f, %.1f | %+.1f %% |\n' "${v%%:*}" "$m" "$(sort -g "$T/$i" | head -1)" \
    "$(sort -g "$T/$i" | tail -1)" "$(awk -v a="$m" -v b="$base" 'BEGIN { print 100 * (a / b - 1) }')"
  i=$((i + 1))
done
