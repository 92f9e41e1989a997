#!/usr/bin/env bash
# The bash completion (gan --completion) completes commands, each command's
# options (every one its --help lists), config keys and their values after
# --set, and file or folder names where an option takes one.
# usage: completion_test.sh GAN_BINARY BUILD_DIR
set -u
GAN=$1
BUILD=$2
T=$(mktemp -d /tmp/gan_comp_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/../common/check_lib.sh"

"$GAN" --completion >"$T/gan.bash"
check "gan --completion exits 0" test $? -eq 0
check "the built completion is what gan --completion prints" cmp -s "$T/gan.bash" "$BUILD/generated/gan.bash-completion"
check "the script is valid bash" bash -n "$T/gan.bash"
source "$T/gan.bash"
check "it registers _gan for gan" bash -c "source '$T/gan.bash'; complete -p gan | grep -q -- '-F _gan'"

# complete LINE: what bash would offer with the cursor at the end of LINE,
# sorted, one per line (COMP_WORDBREAKS as bash's default: '=' splits words)
COMP_WORDBREAKS=$' \t\n"'"'"'><=;|&(:'
complete() {
  COMP_LINE=$1
  COMP_POINT=${#1}
  COMPREPLY=()
  _gan
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
# offers LINE WORD...: each WORD is offered; offers_only LINE WORD...: exactly these
offers() {
  local line=$1 got; shift
  got=$(complete "$line")
  for w in "$@"; do grep -qxF -- "$w" <<<"$got" || { bad "'$line<TAB>' lacks '$w' (got: $(echo $got))"; return; }; done
  ok
}
offers_only() {
  local line=$1 got want; shift
  got=$(complete "$line")
  want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
  if [ "$got" = "$want" ]; then ok; else bad "'$line<TAB>' offers '$(echo $got)', expected '$(echo $want)'"; fi
}

offers "gan " train sample interp classify eval info bench --help --version --manual --completion
offers_only "gan tr" train
offers_only "gan --ver" --version
offers_only "gan classify " train
offers_only "gan train --co" --config
offers_only "gan train --set train.st" train.steps=
offers_only "gan train --set train.loss=h" hinge
offers_only "gan train --set data.format=" cifar10 folder idx
offers_only "gan train --set train.augment=translation,cu" translation,cutout
offers_only "gan bench --set model.d_norm=sp" spectral
offers_only "gan interp --mode s" slerp
offers_only "gan sample -n " ""
offers_only "gan sample --seed 1" ""

# file and folder names
mkdir -p "$T/files/runs/a" && touch "$T/files/c.json" "$T/files/g.bin"
cd "$T/files"
offers_only "gan train --config " c.json g.bin runs
offers_only "gan train --config c" c.json
offers_only "gan train --resume " runs
offers_only "gan train --resume runs/" runs/a
offers_only "gan info " c.json g.bin runs
offers_only "gan eval --ckpt g" g.bin
offers_only "gan train --set data.path=c" c.json
offers_only "gan sample --each " runs
cd - >/dev/null

# every option of every --help is offered after "--"
for form in train sample interp "classify train" eval info bench; do
  # shellcheck disable=SC2086
  opts=$("$GAN" $form --help | grep -oE '^ +(-[a-z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*')
  # shellcheck disable=SC2086
  offers "gan $form --" $opts
done
# and every key --set accepts
keys=$("$GAN" train --print-keys | sed -n 's/^| `\([a-z_]*\.[a-z_.]*\)` .*/\1=/p')
# shellcheck disable=SC2086
offers "gan train --set " $keys
offers_only "gan train --set run" ""

echo "completion_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
