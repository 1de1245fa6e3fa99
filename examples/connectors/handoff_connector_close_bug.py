#!/usr/bin/env python3
"""The connector of handoff_connector.py with OpenCUI's close bug, to show what `handoff verify` says about it.

It is `handoff_connector.py --defect close-bug`: when the agent resolves and the bot takes the user back,
this connector ends the session only on its own side and never closes (or resolves) the conversation on
the support side — what OpenCUI's Chatwoot connector does. Everything else is the good connector, so the
run itself looks fine: the user is served, the next contact gets a new conversation. `handoff verify`
fails CON-008 and says which conversation was left open.

    python3 examples/connectors/handoff_connector_close_bug.py --mock http://127.0.0.1:3000
    handoff verify --target http://127.0.0.1:3000      # CON-008 FAIL … (OpenCUI's close bug)
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import handoff_connector  # noqa: E402  (the good connector, beside this file)

if __name__ == "__main__":
    sys.argv[1:1] = ["--defect", "close-bug"]  # the one difference (an explicit --defect later wins)
    handoff_connector.run()
