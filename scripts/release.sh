#!/usr/bin/env bash
# Build the release artifact: `handoff` in release mode with the Swift standard library linked statically,
# stripped, packed as dist/handoff-VERSION-linux-x86_64.tar.gz (+ .sha256) with the README's excerpt and examples/.
#
#   scripts/release.sh                          # scratch path .build-bench (incremental)
#   HANDOFF_SCRATCH=.build-release scripts/release.sh
#   HANDOFF_SKIP_BUILD=1 scripts/release.sh     # pack the binary already built in the scratch path
#
# Prints the tarball's path last. No Swift is needed to run what it packs (see README "Get it").
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=${HANDOFF_SCRATCH:-.build-bench}
arch=$(uname -m)
[ "$arch" = x86_64 ] || echo "release: building on $arch; the artifact is named for $arch" >&2

if [ -z "${HANDOFF_SKIP_BUILD:-}" ]; then
  swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product handoff
fi
built="$scratch/release/handoff"
[ -x "$built" ] || { echo "release: no binary at $built" >&2; exit 2; }

version=$("$built" --version | awk '{print $2}')
[ -n "$version" ] || { echo "release: could not read the version from '$built --version'" >&2; exit 2; }

name="handoff-$version-linux-$arch"
mkdir -p dist
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root"

cp "$built" "$root/handoff"
strip "$root/handoff"
chmod 755 "$root/handoff"
"$root/handoff" --version >/dev/null

# The Swift runtime must not be needed at run time.
if ldd "$root/handoff" | grep -q 'libswift'; then
  echo "release: the binary still links the Swift runtime dynamically:" >&2
  ldd "$root/handoff" >&2
  exit 1
fi

for license in LICENSE LICENSE.md LICENSE.txt COPYING; do
  [ -f "$license" ] && cp "$license" "$root/"
done
cp -R examples "$root/examples"
find "$root/examples" -name '__pycache__' -prune -exec rm -rf {} +

# A README excerpt: what it is, and how to run it from this directory (no Swift toolchain).
{
  echo "# handoff $version (linux $arch)"
  echo
  sed -n '3,4p' README.md
  echo
  glibc=$(objdump -T "$root/handoff" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -Vu | tail -n 1 | sed 's/GLIBC_//')
  glibcxx=$(objdump -T "$root/handoff" 2>/dev/null | grep -o 'GLIBCXX_[0-9.]*' | sort -Vu | tail -n 1 | sed 's/GLIBCXX_//')
  echo "One executable with the Swift standard library and Foundation linked in statically: no Swift toolchain"
  echo "or runtime is needed. It needs these shared libraries of the system (from \`ldd handoff\`;"
  echo "glibc ${glibc:-?} or newer, libstdc++ with GLIBCXX_${glibcxx:-?}):"
  echo
  ldd "$root/handoff" | awk '$1 !~ /^linux-vdso/ {print "- `" $1 "`"}'
  echo
  echo "On Debian/Ubuntu, \`libsqlite3-0\` is the one that may be missing (\`apt-get install -y libsqlite3-0\`)."
  echo
  echo '```sh'
  echo "./handoff demo                                # certify an in-memory mock with the suite, then play one handoff"
  echo "./handoff mock --port 0 --in-memory           # the mock on a free port, nothing kept"
  echo "./handoff conform --target http://127.0.0.1:3000 --json report.json"
  echo "python3 examples/connectors/handoff_connector.py --mock http://127.0.0.1:3000"
  echo "./handoff verify --target http://127.0.0.1:3000 --rules examples/routing.yaml"
  echo '```'
  echo
  echo "\`./handoff --help\` lists the commands; the full README and documentation are in the repository."
  if ! ls "$root" | grep -qi '^license\|^copying'; then
    echo
    echo "The repository has no license file, so none is included here."
  fi
} > "$root/README.md"

tarball="dist/$name.tar.gz"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$tarball" "$name"
(cd dist && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")

# The stripped binary, beside the tarball, for scripts/build-wheel.sh.
cp "$root/handoff" "dist/handoff-$version-linux-$arch"

echo "release: $(stat -c %s "$root/handoff") bytes stripped (from $(stat -c %s "$built")); $(cat "dist/$name.tar.gz.sha256")" >&2
echo "$tarball"
