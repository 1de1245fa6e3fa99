"""pytest plugin (entry point group `pytest11`): the `handoff_mock` fixture and the `handoff_conform` helper.

    def test_handoff(handoff_mock):
        handoff_mock.url, handoff_mock.token, handoff_mock.bot_token, handoff_mock.agent_token
        handoff_mock.account_id, handoff_mock.inbox_id          # the Chatwoot face
        handoff_mock.accept(cid); handoff_mock.reply(cid, "Hi"); handoff_mock.resolve(cid)
        handoff_mock.journal(); handoff_mock.verify(rules=handoffkit.example_path("routing.yaml"))

    @pytest.mark.handoff_mock(db=True, seed="my-seed.yaml", args=["--probe-webhooks"])
    def test_on_a_file(handoff_mock): ...

    def test_support_system(handoff_conform):
        result = handoff_conform("http://127.0.0.1:3000", binding="neutral")

The mock runs in memory by default (`db=True`: a SQLite file in the test's tmp_path; `db="path"`: that file),
with the built-in seed unless `seed` names a YAML file. It is stopped at teardown (SIGTERM, SIGKILL after 5 s).
"""
import pytest

from ._mock import HandoffMock
from ._suite import conform


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "handoff_mock(db=False, seed=None, args=()): options of the handoff_mock fixture "
        "(db=True: a SQLite file in tmp_path; seed: a seed YAML path; args: more `handoff mock` flags)")


def pytest_addoption(parser):
    parser.addini("handoff_mock_args", "extra `handoff mock` flags for every handoff_mock fixture", type="args",
                  default=[])


@pytest.fixture
def handoff_mock_factory(request, tmp_path):
    """Start more mocks: `handoff_mock_factory(db=..., seed=..., args=[...])`; each is stopped at teardown."""
    started = []
    extra = list(request.config.getini("handoff_mock_args"))

    def start(db=False, seed=None, args=()):
        if db is True:
            db = tmp_path / f"handoff-mock-{len(started) + 1}.sqlite"
        mock = HandoffMock(db=db or None, seed=seed, args=extra + list(args))
        started.append(mock)
        return mock

    yield start
    for mock in started:
        mock.stop(grace=5.0)


@pytest.fixture
def handoff_mock(request, handoff_mock_factory):
    """A fresh `handoff mock --port 0` for this test (options: @pytest.mark.handoff_mock(db=, seed=, args=))."""
    marker = request.node.get_closest_marker("handoff_mock")
    options = dict(marker.kwargs) if marker else {}
    return handoff_mock_factory(**options)


@pytest.fixture
def handoff_conform():
    """`handoff_conform(target, binding="neutral", token=..., only=[...], ...)`: runs `handoff conform ... --json`
    and returns the parsed ConformResult; a failing case fails the test with its id and message."""
    return conform
