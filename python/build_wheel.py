#!/usr/bin/env python3
"""Build the handoffkit platform wheel by hand (standard library only): the Python package, the bundled
`handoff` binary (handoffkit/bin/handoff, mode 755), the repository's examples/ (handoffkit/examples/),
and the entry points (console script `handoff`, pytest plugin `handoffkit` in group `pytest11`).

    python3 python/build_wheel.py --binary dist/handoff-0.9.0-linux-x86_64 --version 0.9.0 \
        --examples examples --readme README.md --out dist --platform linux_x86_64
"""
import argparse
import base64
import hashlib
import os
import stat
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EPOCH = (2020, 1, 1, 0, 0, 0)  # fixed timestamps: the same inputs give the same wheel


def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--examples", required=True)
    parser.add_argument("--readme", default=None)
    parser.add_argument("--platform", default="linux_x86_64")
    parser.add_argument("--out", default="dist")
    args = parser.parse_args()

    name, version = "handoffkit", args.version
    dist_info = f"{name}-{version}.dist-info"
    tag = f"py3-none-{args.platform}"
    wheel_path = Path(args.out) / f"{name}-{version}-{tag}.whl"
    Path(args.out).mkdir(parents=True, exist_ok=True)

    files = []  # (arcname, bytes, mode)
    for source in sorted((HERE / "handoffkit").glob("*.py")):
        files.append((f"handoffkit/{source.name}", source.read_bytes(), 0o644))
    files.append(("handoffkit/py.typed", b"", 0o644))
    files.append(("handoffkit/bin/handoff", Path(args.binary).read_bytes(), 0o755))
    examples = Path(args.examples)
    for source in sorted(examples.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            mode = 0o755 if os.stat(source).st_mode & stat.S_IXUSR else 0o644
            files.append((f"handoffkit/examples/{source.relative_to(examples).as_posix()}", source.read_bytes(), mode))

    description = ""
    if args.readme:
        description = Path(args.readme).read_text(encoding="utf-8")
    metadata = "\n".join([
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        "Summary: HandoffKit: a stateful mock support system (neutral + Chatwoot-compatible API), its conformance "
        "suite and connector verifier as one binary, with a pytest plugin",
        "Requires-Python: >=3.8",
        "Classifier: Framework :: Pytest",
        "Classifier: Operating System :: POSIX :: Linux",
        "Classifier: Programming Language :: Python :: 3",
        "Description-Content-Type: text/markdown",
        "",
        description,
    ])
    wheel = "\n".join([
        "Wheel-Version: 1.0",
        "Generator: handoffkit build_wheel.py",
        "Root-Is-Purelib: false",
        f"Tag: {tag}",
        "",
    ])
    entry_points = "\n".join([
        "[console_scripts]",
        "handoff = handoffkit._cli:main",
        "",
        "[pytest11]",
        "handoffkit = handoffkit.pytest_plugin",
        "",
    ])
    files.append((f"{dist_info}/METADATA", metadata.encode(), 0o644))
    files.append((f"{dist_info}/WHEEL", wheel.encode(), 0o644))
    files.append((f"{dist_info}/entry_points.txt", entry_points.encode(), 0o644))
    files.append((f"{dist_info}/top_level.txt", b"handoffkit\n", 0o644))

    record_lines = [f"{arc},{digest(data)},{len(data)}" for arc, data, _ in files]
    record_lines.append(f"{dist_info}/RECORD,,")
    files.append((f"{dist_info}/RECORD", ("\n".join(record_lines) + "\n").encode(), 0o644))

    tmp = wheel_path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for arc, data, mode in files:
            info = zipfile.ZipInfo(arc, date_time=EPOCH)
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    tmp.replace(wheel_path)
    print(wheel_path)


if __name__ == "__main__":
    main()
