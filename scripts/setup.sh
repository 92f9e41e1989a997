#!/usr/bin/env bash
# Installs gan's Debian dependencies (only when missing) and builds it.
# usage: scripts/setup.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."

# Runtime and build dependencies; python3-torch and numpy only serve the tests
# and the PyTorch comparison scripts, gnuplot-nox the metrics plot, man-db the
# tests of the manual page (build-essential brings dpkg-dev, which the .deb's
# dependency list comes from); Open MPI gives `mpirun -np N gan train`
# (without it gan builds and trains in one process).
PKGS=(build-essential cmake pkg-config libopenblas-dev libcjson-dev libstb-dev zlib1g-dev python3-numpy python3-torch
      gnuplot-nox man-db libopenmpi-dev openmpi-bin)
# and what a caller asks for besides (scripts/test.sh: the package test's tools)
read -ra extra <<<"${GAN_EXTRA_PACKAGES:-}"
PKGS+=("${extra[@]}")
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD=${1:-build}
shift || true
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
