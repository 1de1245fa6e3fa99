#!/usr/bin/env bash
# Test the release artifacts as a user without Swift gets them:
#  (a) unpack dist/handoff-VERSION-linux-ARCH.tar.gz in a fresh temporary directory and run its `handoff demo`
#      with `env -i PATH=/usr/bin:/bin HOME=$tmp` (no Swift on PATH, no inherited environment);
#  (b) build the wheel (scripts/build-wheel.sh), install ONLY it (+ pytest, + chatwoot-sdk from PyPI, a Chatwoot
#      client) in a fresh venv, and run python/tests/test_example.py from a copy outside the checkout.
#
#   scripts/release.sh && scripts/test-dist.sh
#   KEEP=1 scripts/test-dist.sh        # keep the temporary directory
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
arch=$(uname -m)

tarball=$(ls -t dist/handoff-*-linux-"$arch".tar.gz 2>/dev/null | head -n 1 || true)
[ -n "$tarball" ] || { echo "test-dist: no tarball in dist/ (run scripts/release.sh first)" >&2; exit 2; }

tmp=$(mktemp -d /tmp/handoff-dist.XXXXXX)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$tmp"' EXIT; else echo "test-dist: keeping $tmp" >&2; fi

echo "== (a) the tarball, without Swift: $tarball"
(cd dist && sha256sum -c "$(basename "$tarball").sha256")
mkdir "$tmp/unpacked"
tar -xzf "$tarball" -C "$tmp/unpacked"
dir=$(ls -d "$tmp"/unpacked/handoff-*)
for f in handoff README.md examples/routing.yaml examples/connectors/handoff_connector.py; do
  [ -e "$dir/$f" ] || { echo "test-dist: $f missing from the tarball" >&2; exit 1; }
done
# Where a toolchain lives in /usr/bin (Swift's Docker images), the run below cannot show it is not needed:
# then the demo also runs with an empty PATH (it needs no other program).
swift_in_usr_bin=$(env -i PATH=/usr/bin:/bin sh -c 'command -v swift' 2>/dev/null || true)
if ldd "$dir/handoff" | grep -q libswift; then
  echo "test-dist: the binary links the Swift runtime dynamically" >&2
  exit 1
fi
ldd "$dir/handoff"
(cd "$dir" && env -i PATH=/usr/bin:/bin HOME="$tmp" ./handoff demo) > "$tmp/demo.txt" 2>&1 || {
  cat "$tmp/demo.txt" >&2
  echo "test-dist: 'handoff demo' from the tarball failed" >&2
  exit 1
}
grep -q 'CONFORMS' "$tmp/demo.txt" || { cat "$tmp/demo.txt" >&2; echo "test-dist: the demo printed no CONFORMS verdict" >&2; exit 1; }
grep 'CONFORMS' "$tmp/demo.txt" | head -n 3
if [ -n "$swift_in_usr_bin" ]; then
  echo "test-dist: $swift_in_usr_bin is on PATH=/usr/bin:/bin; running the demo again with an empty PATH"
  mkdir "$tmp/empty-bin"
  (cd "$dir" && env -i PATH="$tmp/empty-bin" HOME="$tmp" ./handoff demo) > "$tmp/demo-empty-path.txt" 2>&1 || {
    cat "$tmp/demo-empty-path.txt" >&2
    echo "test-dist: 'handoff demo' with an empty PATH failed" >&2
    exit 1
  }
fi
echo "test-dist: (a) ok: the tarball's demo ran with env -i PATH=/usr/bin:/bin"

echo "== (b) the wheel in a fresh venv"
wheel=$(scripts/build-wheel.sh | tail -n 1)
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet "$repo/$wheel" pytest 'chatwoot-sdk==0.2.0'
"$tmp/venv/bin/python" -m pip list 2>/dev/null | grep -iE '^(handoffkit|pytest|chatwoot-sdk) '
mkdir "$tmp/tests"
cp python/tests/test_example.py "$tmp/tests/"
(cd "$tmp/tests" && env -i PATH="$tmp/venv/bin:/usr/bin:/bin" HOME="$tmp" HANDOFFKIT_REQUIRE_CHATWOOT_SDK=1 \
  "$tmp/venv/bin/python" -m pytest -p no:cacheprovider -v -rs test_example.py)
echo "test-dist: (b) ok: the wheel's pytest plugin, console script and examples work in a fresh venv"
