#!/usr/bin/env bash
# gan(1) is complete: every option of every command's --help, every config
# key of --print-keys, every exit code and environment variable appears in the
# rendered page; groff finds nothing to warn about; and the page the build
# installs is the one the binary prints.
# usage: manual_test.sh GAN_BINARY BUILD_DIR
set -u
GAN=$1
BUILD=$2
T=$(mktemp -d /tmp/gan_man_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/../common/check_lib.sh"

"$GAN" --manual >"$T/gan.1"
check "gan --manual exits 0" test $? -eq 0
check "the built gan.1 is what gan --manual prints" cmp -s "$T/gan.1" "$BUILD/generated/gan.1"
check "the built gan.1.gz holds it" cmp -s <(gzip -dc "$BUILD/generated/gan.1.gz") "$T/gan.1"

# the page as a reader sees it (man-db), or else as roff source with its escapes undone
if command -v man >/dev/null; then
  MANWIDTH=200 man -l "$T/gan.1" 2>"$T/man.err" | col -bx >"$T/page"
  check "man renders the page without complaint ($(head -c 200 "$T/man.err"))" test ! -s "$T/man.err"
else
  sed -e 's/\\-/-/g; s/\\f[BIR]//g; s/\\e/\\/g; s/\\&//g' "$T/gan.1" >"$T/page"
fi
if command -v groff >/dev/null; then
  groff -man -ww -z "$T/gan.1" 2>"$T/groff.err"
  check "groff -ww has no warnings ($(head -c 200 "$T/groff.err"))" test ! -s "$T/groff.err"
fi
# U+2212 would break copy and paste of options
check "minus signs render as ASCII hyphens" bash -c "! grep -q $'\u2212' '$T/page'"

# every command, and every option of its --help, in that command's section
commands=$("$GAN" --help | sed -n '/^commands:/,/^$/{s/^  \([a-z]*\) .*/\1/p}')
check "gan --help lists the commands" test "$(echo $commands | wc -w)" -ge 7
for c in $commands; do
  form=$c
  [ "$c" = classify ] && form="classify train"
  # shellcheck disable=SC2086
  "$GAN" $form --help >"$T/help" 2>&1
  check "gan $form --help exits 0" test $? -eq 0
  # the section: from its heading to the next command's
  awk -v h="   gan $form" '$0 == h {on = 1; next} on && /^   gan / {exit} on && /^[A-Z]/ {exit} on' "$T/page" >"$T/section"
  check "the page has a section for gan $form" test -s "$T/section"
  opts=$(grep -oE '^ +(-[a-z], )?--[a-z][a-z0-9-]*' "$T/help" | grep -oE -- '--[a-z][a-z0-9-]*')
  for o in $opts; do
    check "gan $form $o is in its section of the page" grep -qE -- "(^| )$o( |,|$)" "$T/section"
  done
  for s in $(grep -oE '^ +-[a-z],' "$T/help" | grep -oE -- '-[a-z]'); do
    check "gan $form $s is in its section of the page" grep -qE -- "(^| )$s," "$T/section"
  done
done
for o in --help --version --manual --completion; do
  check "global option $o is in the page" grep -qE -- "^ +$o( |$)" "$T/page"
done

# every config key, in CONFIGURATION
"$GAN" train --print-keys | sed -n 's/^| `\([a-z_.]*\)` .*/\1/p' >"$T/keys"
check "--print-keys lists keys" test "$(wc -l <"$T/keys")" -ge 40
while read -r k; do
  check "config key $k is in the page" grep -qE "^ +$k \(" "$T/page"
done <"$T/keys"

for code in 0 1 2 3 4 5 '128[+]N'; do
  check "exit code $code is in EXIT STATUS" bash -c "sed -n '/^EXIT STATUS/,/^EXAMPLES/p' '$T/page' | grep -qE '^ +$code '"
done
for v in OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS; do
  check "environment variable $v is in ENVIRONMENT" bash -c "sed -n '/^ENVIRONMENT/,/^EXIT/p' '$T/page' | grep -qE '^ +$v\$'"
done
for f in config.json metrics.csv real.png state.bin g_best.bin lock; do
  check "run file $f is in FILES" bash -c "sed -n '/^FILES/,/^ENVIRONMENT/p' '$T/page' | grep -qE '^ +$f( |\$)'"
done

echo "manual_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
