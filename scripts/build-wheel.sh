#!/usr/bin/env bash
# Build dist/handoffkit-VERSION-py3-none-linux_x86_64.whl: the Python package in python/ (console script
# `handoff`, pytest plugin `handoff_mock`/`handoff_conform`) carrying the release binary of scripts/release.sh.
#
#   scripts/build-wheel.sh                      # uses dist/handoff-VERSION-linux-x86_64 (run scripts/release.sh first)
#   HANDOFF_BINARY=path/to/handoff scripts/build-wheel.sh
#
# The platform tag is linux_x86_64, not manylinux: the binary needs the system's libsqlite3, which is not
# in the manylinux policy's set of libraries (and is not bundled), so a manylinux tag would be a false
# promise. Prints the wheel's path last.
set -euo pipefail
cd "$(dirname "$0")/.."

arch=$(uname -m)
binary=${HANDOFF_BINARY:-}
if [ -z "$binary" ]; then
  binary=$(ls -t dist/handoff-*-linux-"$arch" 2>/dev/null | head -n 1 || true)
fi
[ -n "$binary" ] && [ -x "$binary" ] || { echo "build-wheel: no release binary in dist/ (run scripts/release.sh, or set HANDOFF_BINARY)" >&2; exit 2; }
if ldd "$binary" | grep -q libswift; then
  echo "build-wheel: $binary links the Swift runtime dynamically; build it with scripts/release.sh" >&2
  exit 2
fi

version=$("$binary" --version | awk '{print $2}')
wheel=$(python3 python/build_wheel.py --binary "$binary" --version "$version" --examples examples \
  --readme python/README.md --platform "linux_$arch" --out dist)
(cd dist && sha256sum "$(basename "$wheel")" > "$(basename "$wheel").sha256")
echo "build-wheel: $(stat -c %s "$wheel") bytes; $(cat "$wheel.sha256")" >&2
echo "$wheel"
