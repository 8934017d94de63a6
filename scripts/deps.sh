#!/bin/sh
# Install the Debian 12 packages nexsim needs, if any is missing.
#   scripts/deps.sh             what building and testing need
#   scripts/deps.sh --asan      and the sanitizer runtimes
#   scripts/deps.sh --coverage  and gcovr (scripts/coverage)
#   scripts/deps.sh --fuzz      and clang, libFuzzer 19 (scripts/fuzz-build)
# As root it runs apt-get itself; otherwise it uses sudo when available.
set -eu

packages="meson ninja-build gcc libc6-dev pkg-config libcmocka-dev gcc-aarch64-linux-gnu \
python3"
case "${1-}" in
--asan) packages="$packages libgcc-12-dev" ;;
--coverage) packages="$packages gcovr" ;;
--fuzz) packages="$packages clang-19 libclang-rt-19-dev llvm-19" ;;
esac

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "nexsim: installing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	run=""
elif command -v sudo >/dev/null 2>&1; then
	run="sudo"
else
	echo "nexsim: missing packages:$missing (run as root, or install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -q
# shellcheck disable=SC2086
$run apt-get install -y -q --no-install-recommends $missing
