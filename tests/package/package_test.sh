#!/usr/bin/env bash
# Builds the Debian package from a build folder (cpack), checks its control
# fields and contents, then installs it and checks the installed gan: on PATH,
# gan --version, man -w gan, the completion, and a 5-step gan train with the
# installed config from a scratch folder. As root (CI) it installs the package
# on this machine with dpkg and removes it afterwards; otherwise, or when a
# gan package is already installed, it unpacks it into a scratch root and
# checks what it can there (GAN_PACKAGE_UNPACK_ONLY=1 asks for that too).
# usage: tests/package/package_test.sh [BUILD_DIR]     (default build)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=$(realpath "${1:-build}")
T=$(mktemp -d /tmp/gan_deb_XXXXXX)
installed_here=0
cleanup() {
  if [ "$installed_here" = 1 ]; then dpkg -r gan >/dev/null 2>&1 || echo "package_test: dpkg -r gan failed" >&2; fi
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "package_test: FAIL: $*" >&2; exit 1; }

version=$(sed -n 's/^project(gan VERSION \([0-9.]*\) .*/\1/p' CMakeLists.txt)
arch=$(dpkg --print-architecture)
deb=$BUILD/gan_${version}_${arch}.deb
rm -f "$deb"
(cd "$BUILD" && cpack -G DEB >"$T/cpack.log" 2>&1) || { cat "$T/cpack.log" >&2; fail "cpack -G DEB"; }
[ -s "$deb" ] || fail "cpack did not write $(basename "$deb")"

# control fields: the runtime libraries gan links, nothing from a -dev package
depends=$(dpkg-deb -f "$deb" Depends)
want=(libc6 libopenblas0 libcjson1 zlib1g)
"$BUILD/gan" --version | grep -q '^mpi: Open MPI' && want+=(libopenmpi3)
for p in "${want[@]}"; do
  grep -qE "(^|, )$p( |,|$)" <<<"$depends" || fail "Depends lacks $p: $depends"
done
grep -q -- "-dev" <<<"$depends" && fail "Depends names a -dev package: $depends"
[ "$(dpkg-deb -f "$deb" Package)" = gan ] || fail "Package is not gan"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is not $version"
dpkg-deb -c "$deb" | awk '{print $6}' >"$T/contents"
for f in ./usr/bin/gan ./usr/share/man/man1/gan.1.gz ./usr/share/bash-completion/completions/gan \
         ./usr/share/doc/gan/README.md ./usr/share/doc/gan/LICENSE ./usr/share/doc/gan/copyright \
         ./usr/share/doc/gan/changelog.gz ./usr/share/gan/configs/mnist.json \
         ./usr/share/gan/data/mnist10k/images-idx3-ubyte.gz; do
  grep -qxF "$f" "$T/contents" || fail "the package lacks $f"
done
echo "package_test: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB), Depends: $depends"
# Debian's own checker: clean at the error and warning levels
if command -v lintian >/dev/null; then
  lintian --fail-on error,warning "$deb" >"$T/lintian" 2>&1 || { cat "$T/lintian" >&2; fail "lintian $(basename "$deb")"; }
  echo "package_test: lintian: no errors or warnings"
elif [ "${GAN_REQUIRE_LINTIAN:-0}" = 1 ]; then
  fail "lintian is not installed (apt-get install lintian)"
fi

cd "$T"
if [ "${GAN_PACKAGE_UNPACK_ONLY:-0}" != 1 ] && [ "$(id -u)" = 0 ] && ! dpkg-query -W -f='${Status}' gan 2>/dev/null | grep -q "install ok installed"; then
  dpkg -i "$deb" >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log" >&2; fail "dpkg -i"; }
  installed_here=1
  [ "$(command -v gan)" = /usr/bin/gan ] || fail "gan is not /usr/bin/gan on PATH: $(command -v gan || echo none)"
  gan --version | grep -qE "^gan $version\$" || fail "gan --version: $(gan --version | head -1)"
  [ "$(man -w gan)" = /usr/share/man/man1/gan.1.gz ] || fail "man -w gan: $(man -w gan 2>&1)"
  MANWIDTH=100 man gan 2>/dev/null | col -bx >"$T/page"
  grep -q "gan train --config FILE" "$T/page" || fail "man gan does not show the page"
  bash -c 'source /usr/share/bash-completion/completions/gan && complete -p gan' >/dev/null || fail "the completion does not load"
  gan train --config /usr/share/gan/configs/mnist.json --set train.steps=5 --set output.dir=run --quiet >"$T/out" 2>"$T/err" ||
    fail "installed gan train: $(cat "$T/err")"
  [ -s run/g.bin ] || fail "installed gan train wrote no run/g.bin"
  echo "package_test: installed with dpkg -i: gan --version, man -w gan, completion and a 5-step train from /usr/share/gan/configs: ok"
else
  # not root, or a gan package already installed: unpack into a scratch root
  dpkg-deb -x "$deb" root
  root/usr/bin/gan --version | grep -qE "^gan $version\$" || fail "unpacked gan --version"
  [ "$(MANPATH=root/usr/share/man man -w gan)" = "$T/root/usr/share/man/man1/gan.1.gz" ] || fail "man -w on the unpacked page"
  # the installed configs name /usr/share/gan/data: point data.path at the unpacked copy
  root/usr/bin/gan train --config root/usr/share/gan/configs/mnist.json \
    --set data.path=root/usr/share/gan/data/mnist10k/images-idx3-ubyte.gz \
    --set train.steps=5 --set output.dir=run --quiet >"$T/out" 2>"$T/err" || fail "unpacked gan train: $(cat "$T/err")"
  echo "package_test: unpacked into a scratch root (not root, or gan already installed): --version, man -w, 5-step train: ok"
fi
