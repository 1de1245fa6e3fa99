"""The `handoff` console script: exec the bundled binary with the same arguments."""
import os
import sys

from ._binary import binary_path


def main() -> None:
    path = binary_path()
    try:
        os.execv(path, [path] + sys.argv[1:])
    except OSError as error:
        sys.stderr.write(f"handoff: cannot run {path}: {error}\n")
        sys.exit(127)


if __name__ == "__main__":
    main()
