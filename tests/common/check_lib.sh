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
