"""HandoffKit for Python: the `handoff` binary (mock support system, conformance suite, connector verifier)
and a pytest plugin (`handoff_mock`, `handoff_conform`) that runs it. Standard library only."""
from ._binary import binary_path, example_path, EXAMPLES
from ._mock import HandoffMock, MockError, start_mock
from ._suite import ConformResult, VerifyResult, conform, verify

__all__ = [
    "binary_path", "example_path", "EXAMPLES",
    "HandoffMock", "MockError", "start_mock",
    "ConformResult", "VerifyResult", "conform", "verify",
]
