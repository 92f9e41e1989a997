#!/usr/bin/env bash
# Makes docs/style-gallery.png: content | style | gan style's result for three
# pairs of Debian's python3-skimage pictures, and style | gan texture's result
# for two textures, with gan's default (random) weights. Prints the commands
# it ran and their times.
# usage: scripts/style_gallery.sh [GAN] [OUT.png]   (defaults build/gan, docs/style-gallery.png)
set -euo pipefail
GAN=${1:-build/gan}
OUT=${2:-docs/style-gallery.png}
D=/usr/lib/python3/dist-packages/skimage/data
[ -d "$D" ] || { echo "style_gallery: needs Debian's python3-skimage (its pictures)" >&2; exit 4; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
run() {
  echo "+ $*" >&2
  local start=$SECONDS
  "$@" --quiet >/dev/null
  echo "  ($((SECONDS - start)) s)" >&2
}
run "$GAN" style --content "$D/chelsea.png" --style "$D/gravel.png" --out "$T/r1.png"
run "$GAN" style --content "$D/astronaut.png" --style "$D/hubble_deep_field.jpg" --style-weight 100 --out "$T/r2.png"
run "$GAN" style --content "$D/coffee.png" --style "$D/grass.png" --init noise --out "$T/r3.png"
run "$GAN" texture --style "$D/brick.png" --out "$T/t1.png"
run "$GAN" texture --style "$D/gravel.png" --out "$T/t2.png"
/usr/bin/python3 - "$OUT" "$D" "$T" <<'PY'
import sys
import imageio
import numpy as np
from skimage.transform import resize

out, d, t = sys.argv[1:]
H = 192  # every cell this tall, 8 px apart, on white


def cell(path):
    a = np.asarray(imageio.imread(path), dtype=np.float64) / 255.0
    a = np.stack([a] * 3, -1) if a.ndim == 2 else a[..., :3]
    return resize(a, (H, round(a.shape[1] * H / a.shape[0])), anti_aliasing=True)


def row(paths):
    cells = [cell(p) for p in paths]
    gap = np.ones((H, 8, 3))
    return np.concatenate(sum([[c, gap] for c in cells], [])[:-1], axis=1)


rows = [row([f"{d}/chelsea.png", f"{d}/gravel.png", f"{t}/r1.png"]),
        row([f"{d}/astronaut.png", f"{d}/hubble_deep_field.jpg", f"{t}/r2.png"]),
        row([f"{d}/coffee.png", f"{d}/grass.png", f"{t}/r3.png"]),
        row([f"{d}/brick.png", f"{t}/t1.png", f"{d}/gravel.png", f"{t}/t2.png"])]
width = max(r.shape[1] for r in rows)
rows = [np.concatenate([r, np.ones((H, width - r.shape[1], 3))], axis=1) for r in rows]
page = np.concatenate(sum([[r, np.ones((8, width, 3))] for r in rows], [])[:-1], axis=0)
imageio.imwrite(out, (np.clip(page, 0, 1) * 255 + 0.5).astype(np.uint8))
print(out)
PY
