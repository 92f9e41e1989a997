#!/usr/bin/env bash
# The house rules a reader relies on, checked on the tree:
#  - no function in src/ over 80 lines or with blocks nested over 3 deep;
#  - nothing under src/ but src/cli writes to stdout or stderr (jobs report
#    through callbacks; the one exception is GAN_ASSERT's abort message in
#    src/core/check.c, printed as the process dies);
#  - no test check whose message runs a command and whose condition reads
#    $? (the message's command sets $?, so such a check can never fail:
#    capture the status first, rc=$?).
# usage: style_test.sh SOURCE_DIR
set -euo pipefail
SRC=${1:?usage: style_test.sh SOURCE_DIR}
fail=0
python3 "$SRC/tests/style/function_shape.py" "$SRC/src" || fail=1
prints=$(grep -rnE '\b(printf|puts|putchar|perror)\(|\b(fprintf|fputs|fputc|vfprintf|fflush)\((stderr|stdout)' \
  "$SRC/src" --include='*.c' | grep -v "^$SRC/src/cli/" | grep -v "^$SRC/src/core/check.c:" || true)
if [ -n "$prints" ]; then
  echo "style_test: output outside src/cli (a job reports through its callback instead):"
  echo "$prints"
  fail=1
fi
blind=$(grep -rnE 'check "[^"]*\$\(.*test \$\?' "$SRC/tests" --include='*.sh' || true)
if [ -n "$blind" ]; then
  echo "style_test: checks that cannot fail (\$? read after the message's \$(...) ran):"
  echo "$blind"
  fail=1
fi
[ $fail = 0 ] && echo "style_test: function sizes, nesting, output and blind checks: ok"
exit $fail
