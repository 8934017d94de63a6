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
for src in $(find "$here/core" -name '*.c' | sort); do
	"$cc" -std=c11 -O2 -ffreestanding -nostdinc -isystem "$compiler_inc" \
		-DNEXSIM_CORE -fdata-sections -ffunction-sections \
		-Wall -Wextra -Werror -Wno-unused-parameter \
		-I "$here/core/include" -I "$here/core-shim/include" \
		-c "$src" -o "$out/$(basename "$src").o"
	count=$((count + 1))
done
echo "check-freestanding: $count core sources compile for aarch64 (-ffreestanding -nostdinc)"
