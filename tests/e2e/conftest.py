"""One whole devstack (moto, the app's API, pollers, workers, LINE emulator) for the e2e tests.

Started on free ports and without the developer's devstack.local.env, so a running `make dev`
or local overrides change nothing here. Package-scoped: one devstack for the whole e2e run,
stopped before the other test folders run, since moto keeps its state in this process and the
integration tests reset it.
"""

from __future__ import annotations

import pytest

from devstack.stack import Devstack, DevstackConfig

from .sim import Sim, new_user_id


@pytest.fixture(scope="package")
def devstack(tmp_path_factory):
    config = DevstackConfig(
        api_port=0,
        line_port=0,
        aws_port=0,
        identity_port=0,
        overrides_file=tmp_path_factory.mktemp("devstack") / "no-overrides.env",
    )
    stack = Devstack(config).start()
    yield stack
    stack.stop()


@pytest.fixture(scope="package")
def sim(devstack) -> Sim:
    return Sim(devstack.line_url)


@pytest.fixture
def patron(sim) -> str:
    """A new friend of the bot whose greeting has been read."""
    user_id = new_user_id()
    sim.follow(user_id)
    sim.next_messages(user_id, 2)
    return user_id
