from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from engine.web import make_server
from engine.web.server import PlannerServer, serve_in_thread

# Tests stand in fake rule sets; none may reach the user's rules cache.
os.environ["GPCA_NO_CACHE"] = "1"

# Evaluating a plan takes a few milliseconds; generated plans vary in size.
settings.register_profile(
    "gpca", deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", parent=settings.get_profile("gpca"), max_examples=2000)
settings.load_profile("gpca")


def pytest_addoption(parser: "pytest.Parser") -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/golden/* from the current output instead of comparing.")  # fmt: skip


@pytest.fixture
def update_golden(request: "pytest.FixtureRequest") -> bool:
    return bool(request.config.getoption("--update-golden"))


# One planner server for the whole run: each holds a durable_rules Host, and many Hosts
# in one process make durable_rules unstable.
@pytest.fixture(scope="session")
def planner() -> Iterator[PlannerServer]:
    server = make_server("127.0.0.1", 0)
    serve_in_thread(server)
    yield server
    server.shutdown()
    server.server_close()
