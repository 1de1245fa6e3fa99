"""Where the bundled `handoff` binary and examples live (HANDOFF_BIN overrides the binary)."""
import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent
EXAMPLES = _HERE / "examples"


def binary_path() -> str:
    """The `handoff` executable: $HANDOFF_BIN, else the one bundled in this package."""
    override = os.environ.get("HANDOFF_BIN")
    if override:
        return override
    bundled = _HERE / "bin" / "handoff"
    if bundled.is_file():
        return str(bundled)
    raise FileNotFoundError("no handoff binary: this handoffkit has none bundled; set HANDOFF_BIN")


def example_path(*parts: str) -> str:
    """A file of the bundled examples/, e.g. example_path("routing.yaml")."""
    return str(EXAMPLES.joinpath(*parts))
