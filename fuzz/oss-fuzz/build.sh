#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Build every fuzz target the way OSS-Fuzz and ClusterFuzzLite build
# projects: the compilers and flags come from the environment.
#
#   CC, CXX              compilers (default clang, clang++)
#   CFLAGS, CXXFLAGS     instrumentation and sanitizers, for all the code
#   LIB_FUZZING_ENGINE   what links a target with its engine
#                        (default -fsanitize=fuzzer: libFuzzer)
#   OUT                  where the targets, their seed corpora
#                        (TARGET_seed_corpus.zip) and dictionaries
#                        (TARGET.dict) go (required)
#   WORK                 scratch space: the build stays in
#                        $WORK/nexsim-fuzz-build (default: a temporary
#                        directory, removed at the end)
#   SRC                  unused: the sources are this script's repository
#   JOBS                 parallel compile jobs (default: all processors)
#
# Locally, with libFuzzer and ASan:
#   CC=clang-19 CXX=clang++-19 CFLAGS="-fsanitize=address,fuzzer-no-link -g" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out ./fuzz/oss-fuzz/build.sh
set -eu

here=$(cd "$(dirname "$0")/../.." && pwd)
: "${OUT:?OUT must name the output directory}"
export CC=${CC:-clang}
export CXX=${CXX:-clang++}
export CFLAGS=${CFLAGS:-}
export CXXFLAGS=${CXXFLAGS:-$CFLAGS}
engine=${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}
if [ -n "${WORK:-}" ]; then
	build=$WORK/nexsim-fuzz-build
else
	build=$(mktemp -d)
	trap 'rm -rf "$build"' EXIT
fi

# $CFLAGS alone decide optimisation, debug info and instrumentation
# (buildtype plain); the engine goes on the targets' link only.
rm -rf "$build"
meson setup "$build" "$here" --buildtype=plain -Dtests=false \
	-Dfuzzing=true -Dfuzzing_engine="$engine"
ninja -C "$build" -j "${JOBS:-$(nproc)}"

mkdir -p "$OUT"
count=0
for exe in "$build"/fuzz/fuzz_*; do
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	target=$(basename "$exe")
	cp "$exe" "$OUT/$target"
	corpus=$here/fuzz/corpus/$target
	if [ -d "$corpus" ]; then
		rm -f "$OUT/${target}_seed_corpus.zip"
		# Flat: the inputs at the top of the archive, as OSS-Fuzz wants.
		(cd "$corpus" && python3 -m zipfile -c \
			"$OUT/${target}_seed_corpus.zip" ./*)
	fi
	if [ -f "$here/fuzz/dict/$target.dict" ]; then
		cp "$here/fuzz/dict/$target.dict" "$OUT/$target.dict"
	fi
	count=$((count + 1))
done
if [ "$count" = 0 ]; then
	echo "build.sh: no fuzz target was built in $build/fuzz" >&2
	exit 1
fi
echo "build.sh: $count fuzz targets in $OUT"
