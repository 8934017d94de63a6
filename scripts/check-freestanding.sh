#!/bin/sh
# Compile every source of core/ for aarch64, freestanding, with no include
# path but the core's own and the arch seam: proof that the core is target
# code that needs nothing from the host, GLib or sim/.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cc=${AARCH64_CC:-aarch64-linux-gnu-gcc}
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "check-freestanding: $cc not found (apt-get install gcc-aarch64-linux-gnu)" >&2
	exit 77
fi
compiler_inc=$("$cc" -print-file-name=include)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count=0
compile() {
	"$cc" -std=c11 -O2 -ffreestanding -nostdinc -isystem "$compiler_inc" \
		-DNEXSIM_CORE -fdata-sections -ffunction-sections \
		-Wall -Wextra -Werror -Wno-unused-parameter \
		-I "$here/core/include" -I "$here/core/ta/include" \
		-I "$here/core-shim/include" "$@"
	count=$((count + 1))
}
# The core itself (TAs are built per directory, below).
for src in $(find "$here/core" -name '*.c' -not -path "$here/core/ta/*" | sort); do
	compile -c "$src" -o "$out/$(basename "$src").o"
done
# Each built-in TA with its own name and header, and its registry head.
for dir in $(find "$here/core/ta" -mindepth 1 -maxdepth 1 -type d -not -name include | sort); do
	name=$(basename "$dir")
	for src in "$dir"/*.c "$here/core/ta/ta_header.c"; do
		compile -DNEXSIM_TA_NAME="$name" -I "$dir" \
			-c "$src" -o "$out/$name-$(basename "$src").o"
	done
done
echo "check-freestanding: $count core sources compile for aarch64 (-ffreestanding -nostdinc)"
