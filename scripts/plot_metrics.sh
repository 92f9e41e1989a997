#!/usr/bin/env bash
# Renders a run's metrics.csv as a PNG with gnuplot (Debian: gnuplot-nox):
# losses, D(x) and D(G(z)), and - when the run was evaluated (eval.classifier) -
# FID and class entropy over the steps.
# usage: scripts/plot_metrics.sh RUN_DIR [OUT.png]     (default RUN_DIR/metrics.png)
set -euo pipefail
if [ $# -lt 1 ] || [ "$1" = --help ] || [ "$1" = -h ]; then
  echo "usage: $0 RUN_DIR [OUT.png]" >&2
  exit 2
fi
RUN=$1
CSV=$RUN/metrics.csv
OUT=${2:-$RUN/metrics.png}
command -v gnuplot >/dev/null || { echo "plot_metrics: gnuplot is not installed (apt-get install gnuplot-nox)" >&2; exit 1; }
[ -s "$CSV" ] || { echo "plot_metrics: $CSV: missing or empty" >&2; exit 1; }
head -1 "$CSV" | grep -q '^step,epoch,loss_d,loss_g,d_x,d_g_z' || { echo "plot_metrics: $CSV: not a gan metrics file" >&2; exit 1; }

# The evaluated rows only (FID is empty on the others), so the FID line is unbroken.
EVAL=$(mktemp)
trap 'rm -f "$EVAL"' EXIT
awk -F, 'NR > 1 && NF >= 11 && $9 != "" { print $1 "," $9 "," $11 }' "$CSV" >"$EVAL"
panels=2
[ -s "$EVAL" ] && panels=3

gnuplot <<EOF
set terminal pngcairo noenhanced size 900,$((260 * panels)) font "sans,10"
set output "$OUT"
set datafile separator ","
set key outside right top
set grid
set xrange [0:*]
set multiplot layout $panels,1 title "$(basename "$RUN")/metrics.csv"
set ylabel "loss"
plot "$CSV" every ::1 using 1:3 with lines lw 1.5 title "loss_D", \
     "" every ::1 using 1:4 with lines lw 1.5 title "loss_G"
set ylabel "D output"
set yrange [0:1]
plot "$CSV" every ::1 using 1:5 with lines lw 1.5 title "D(x)", \
     "" every ::1 using 1:6 with lines lw 1.5 title "D(G(z))"
set autoscale y
if ($panels == 3) {
  set xlabel "step"
  set ylabel "FID (lower is better)"
  set y2label "class entropy (bits)"
  set y2tics
  set y2range [0:*]
  plot "$EVAL" using 1:2 with linespoints lw 1.5 pt 7 title "FID", \
       "" using 1:3 axes x1y2 with linespoints lw 1.5 pt 5 title "class entropy"
}
unset multiplot
EOF
echo "$OUT"
