# Shared helpers of the bash end-to-end tests (sourced; the caller sets T, a
# scratch folder). Counts passes and failures; the caller reports them.
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }

# expect CODE PATTERN cmd...: exit code CODE, PATTERN in stderr, and an
# error (non-zero code, not a signal) that is one line.
expect() {
  local code=$1 pat=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ "$rc" -ne "$code" ]; then bad "$* -> exit $rc, expected $code: $(head -c 300 "$T/err")"; return; fi
  if [ -n "$pat" ] && ! grep -qF -- "$pat" "$T/err"; then bad "$* -> stderr lacks '$pat': $(head -c 300 "$T/err")"; return; fi
  if [ "$(wc -l <"$T/err")" -gt 1 ] && [ "$code" -ne 0 ] && [ "$code" -lt 128 ]; then
    bad "$* -> error is not one line: $(cat "$T/err")"; return
  fi
  ok
}

# The tiny training run every end-to-end test builds on (needs SRC): 512 of
# the bundled digits at 16x16, nz 8, widths 8, batch 16, so that a run
# takes a second or two. TINY_SETS alone goes after another --config.
if [ -n "${SRC:-}" ]; then
  TINY_SETS=(--set "data.path=$SRC/data/mnist10k/images-idx3-ubyte.gz"
             --set "data.labels=$SRC/data/mnist10k/labels-idx1-ubyte.gz"
             --set data.image_size=16 --set data.fit=resize --set data.limit=512 --set model.nz=8
             --set model.ngf=8 --set model.ndf=8 --set train.batch_size=16 --set output.sample_count=16)
  TINY=(--config "$SRC/configs/mnist-dcgan-classic.json" "${TINY_SETS[@]}")
fi

# The data section of a safetensors file: its tensors' bytes without the
# header (which holds the config, so equal tensors can differ there).
st_data() { tail -c +$((9 + $(od -An -t u8 -N 8 "$1" | tr -d ' '))) "$1"; }
