"""Run `handoff conform` and `handoff verify` with a JSON report and return the parsed results."""
import json
import os
import subprocess
import tempfile

from ._binary import binary_path

_BAD = ("FAIL", "XPASS")


class _Result:
    """A suite run: `verdict` (CONFORMS, FAILS, INCOMPLETE), `exit_code`, `report` (the JSON report),
    `cases` (each case's dict: id, level, outcome, message, reason…), `output` (the text the command printed)."""

    command = "handoff"

    def __init__(self, argv, exit_code, output, report):
        self.argv = argv
        self.exit_code = exit_code
        self.output = output
        self.report = report or {}
        self.cases = self.report.get("cases", [])
        self.verdict = self.report.get("verdict") or _verdict_from_exit(exit_code)

    @property
    def conforms(self):
        return self.verdict == "CONFORMS"

    @property
    def failures(self):
        """Failed cases (and unexpected passes of an expected failure)."""
        return [c for c in self.cases if c.get("outcome") in _BAD]

    @property
    def not_run(self):
        return [c for c in self.cases if c.get("outcome") == "SKIP"]

    def case(self, case_id):
        return next(c for c in self.cases if c.get("id") == case_id)

    def summary(self):
        lines = [f"{self.command}: {self.verdict} (exit {self.exit_code}): "
                 f"{self.report.get('passed', '?')} passed, {self.report.get('failed', '?')} failed, "
                 f"{self.report.get('notRun', '?')} not run"]
        for c in self.failures:
            lines.append(f"  {c.get('outcome')} {c.get('id')} ({c.get('level')}): {c.get('message') or c.get('reason') or c.get('requirement')}")
        for c in self.not_run:
            if c.get("level") == "MUST":
                lines.append(f"  NOT RUN {c.get('id')} (MUST): {c.get('reason') or c.get('message')}")
        if not self.report:
            lines.append(self.output[-4000:])
        return "\n".join(lines)

    def __repr__(self):
        return f"<{type(self).__name__} {self.verdict}: {len(self.cases)} cases, {len(self.failures)} failed>"


class ConformResult(_Result):
    command = "handoff conform"


class VerifyResult(_Result):
    command = "handoff verify"


def _verdict_from_exit(code):
    return {0: "CONFORMS", 1: "FAILS", 3: "INCOMPLETE"}.get(code, f"ERROR (exit {code})")


def _fail(message):
    try:
        import pytest
    except ImportError:  # outside pytest
        raise AssertionError(message) from None
    pytest.fail(message, pytrace=False)


def _run(kind, result_type, argv, check, timeout, require_conforms):
    with tempfile.TemporaryDirectory(prefix="handoff-") as tmp:
        report_path = os.path.join(tmp, "report.json")
        argv = argv + ["--json", report_path]
        completed = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, timeout=timeout)
        report = None
        if os.path.exists(report_path):
            with open(report_path, encoding="utf-8") as f:
                report = json.load(f)
    result = result_type(argv, completed.returncode, completed.stdout, report)
    if check:
        if report is None:
            _fail(f"{kind} wrote no report (exit {completed.returncode}): {' '.join(argv)}\n{completed.stdout[-4000:]}")
        if result.failures:
            _fail(result.summary())
        if require_conforms and not result.conforms:
            _fail(result.summary())
    return result


def conform(target, binding="neutral", *, token=None, account_id=None, inbox_id=None, bot_token=None,
            agent_token=None, only=(), skip=(), check=True, require_conforms=False, args=(), binary=None,
            timeout=600):
    """`handoff conform --target TARGET --binding BINDING … --json FILE`; returns a ConformResult.

    With `check` (default), a failing case (FAIL, or XPASS of an expected failure) fails the calling test
    with each case's id and message; `require_conforms=True` also fails on INCOMPLETE."""
    argv = [binary or binary_path(), "conform", "--target", target, "--binding", binding]
    for flag, value in (("--token", token), ("--account-id", account_id), ("--inbox-id", inbox_id),
                        ("--bot-token", bot_token), ("--agent-token", agent_token)):
        if value is not None:
            argv += [flag, str(value)]
    for pattern in ([only] if isinstance(only, str) else only):
        argv += ["--only", pattern]
    for pattern in ([skip] if isinstance(skip, str) else skip):
        argv += ["--skip", pattern]
    argv += list(args)
    return _run("handoff conform", ConformResult, argv, check, timeout, require_conforms)


def verify(target, *, rules=None, drive=None, token=None, check=True, require_conforms=True, args=(),
           binary=None, timeout=300):
    """`handoff verify --target TARGET [--rules FILE] [--drive URL] … --json FILE`; returns a VerifyResult.

    With `check` (default) the calling test fails unless the verdict is CONFORMS, naming each failed or
    not-run case with its message."""
    argv = [binary or binary_path(), "verify", "--target", target]
    if rules:
        argv += ["--rules", str(rules)]
    if drive:
        argv += ["--drive", drive]
    if token:
        argv += ["--token", token]
    argv += list(args)
    return _run("handoff verify", VerifyResult, argv, check, timeout, require_conforms)
