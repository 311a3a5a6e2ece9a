#!/bin/sh
# CI for the ukstoreagent guest library on the host: build, unit tests
# (plain and under ASan/UBSan), the README's new application built against
# a stand-in for Unikraft, and
# a bounded libFuzzer run (FUZZ_SECONDS, default 60). Needs cc, make and
# clang with libFuzzer (default: the Swift toolchain's /opt/swift/usr/bin/clang).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${FUZZ_SECONDS:=60}"

make -C "$here" agent
make -C "$here" test
make -C "$here" test-asan
make -C "$here" test-docs
if ! command -v "${CLANG:-/opt/swift/usr/bin/clang}" >/dev/null 2>&1 && ! command -v clang >/dev/null 2>&1; then
	echo "ci.sh: no clang with libFuzzer (set CLANG=...); cannot fuzz" >&2
	exit 1
fi
make -C "$here" fuzz FUZZ_SECONDS="$FUZZ_SECONDS"
