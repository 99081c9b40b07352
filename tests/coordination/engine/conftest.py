import pytest

from coordination.engine.registry import RULES, rule


@pytest.fixture
def broken_rule():
    """A rule that raises, registered for one test: the engine must survive it."""

    @rule("test-broken", crash=True)
    def evaluate(facts, params):
        raise RuntimeError("this rule is broken")

    yield "test-broken"
    RULES.pop("test-broken")
