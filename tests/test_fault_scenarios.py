"""A representative share of the fault scenarios written from the platforms' documentation
(`tests/data/fault_scenarios.toml`), replayed through the real adapters: every outcome,
repeats only where an answer was lost, no other chat slowed. The whole file, with the
scenarios that wait a minute for a rate limit: `bench/bench_fault_scenarios.py`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fault_replay import check
from tests.fault_script import load

# A lost answer, a late one, a chat gone, a chat paused, 429s in series, on each platform,
# among the scenarios that take seconds.
CHOSEN = (
    "tg-lost-mid-multipart",
    "tg-slow-within-timeout",
    "tg-blocked-mid-post",
    "tg-channel-admin-rights-403",
    "dc-429-series-mixed",
    "dc-50013-mid-post",
    "dc-lost-mid-multipart",
)
SCENARIOS = {s.name: s for s in load()}


def test_every_scenario_is_read_and_the_chosen_ones_exist() -> None:
    assert len(SCENARIOS) == 63 and set(CHOSEN) <= set(SCENARIOS)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", CHOSEN)
async def test_fault_scenario(name: str, tmp_path: Path) -> None:
    problems, _, _ = await check(SCENARIOS[name], tmp_path)
    assert problems == []
