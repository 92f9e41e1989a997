#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for
# SECONDS (default 60) from its seed corpus in tests/fuzz/corpus/<target>/.
# Prints the executions per target; exits non-zero if any target crashes.
# usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(config checkpoint idx image npy)
if ! command -v clang >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz: installing clang and its libFuzzer runtime" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends clang libclang-rt-dev >/dev/null
fi
scripts/setup.sh build-fuzz -DCMAKE_C_COMPILER=clang -DGAN_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
work=$(mktemp -d /tmp/gan_fuzz_XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0
passed=0
for t in "${TARGETS[@]}"; do
  mkdir -p "$work/$t"
  cp tests/fuzz/corpus/$t/* "$work/$t/" 2>/dev/null || true
  log="$work/$t.log"
  if (cd "$work" && "$OLDPWD/build-fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 "$work/$t" >"$log" 2>&1); then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz_$t: ${execs:-?} executions in ${SECONDS_EACH}s, no findings"
    passed=$((passed + 1))
  else
    echo "fuzz_$t: FOUND A CRASH:" >&2
    grep -E "ERROR|SUMMARY|#[0-9]+ " "$log" | head -30 >&2
    mkdir -p fuzz-findings && cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* fuzz-findings/ 2>/dev/null || true
    status=1
  fi
done
echo "fuzz: $passed passed, $(( ${#TARGETS[@]} - passed )) failed"
exit $status
