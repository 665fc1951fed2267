"""What this run of the conformance suite covers: its devices and its hypothesis profile.

conftest.py fills `selected` and `profile` from the command line before any
test module is imported, and test modules read them through `examples()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, settings

# How many hypothesis examples each kind of property gets per test item.
PROFILES = {
    "quick": {"values": 8, "gradients": 4, "float32": 4, "programs": 25, "devices": 10,
              "dtypes": 10},
    "thorough": {"values": 150, "gradients": 40, "float32": 60, "programs": 250, "devices": 100,
                 "dtypes": 200},
}

CATEGORIES = ("dtypes", "values", "gradients", "devices", "inplace", "cross-device", "meta")


@dataclass
class Config:
    profile: str = "quick"
    # device string -> None if usable here, else the reason it is not
    selected: dict = field(default_factory=dict)


CONFIG = Config()


def examples(kind: str) -> settings:
    """Hypothesis settings for one kind of property under the chosen profile."""
    return settings(
        max_examples=PROFILES[CONFIG.profile][kind],
        deadline=None,  # timings are noisy on shared machines; the budget is per run, not example
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                               HealthCheck.data_too_large, HealthCheck.filter_too_much],
        print_blob=True,
    )


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_call(item):
    """Undo the settings object hypothesis' pytest plugin stacks on a parametrized test per run.

    The plugin (hypothesis 6.170 at least) replaces the test's settings with a child of the old
    ones on every parametrized item, so one function with 1,000 items ends with a chain of 1,000
    settings. Looking up a setting whose value is None (`database` under `derandomize`, as in
    CI) walks the whole chain, and past Python's recursion limit every later item fails inside
    hypothesis. Putting the test's own settings back after each item keeps the chain one deep.
    conftest.py files import this hook so it runs for their items.
    """
    function = getattr(item.obj, "__func__", item.obj)
    own = function.__dict__.get("_hypothesis_internal_use_settings")
    try:
        yield
    finally:
        if own is not None:
            function._hypothesis_internal_use_settings = own
