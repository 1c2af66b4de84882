"""Replays the fault scenarios of tests/data/fault_scenarios.toml (written from the
platforms' documentation) through the real adapters and the loopback servers, and says
which pass: each chat's outcome as expected, no other chat slower than 10 % of its
fault-free time, repeats only where an answer was lost.

    bench_fault_scenarios.py [name-prefix ...]   (every scenario by default)
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from tests.fault_replay import check
from tests.fault_script import load


async def main(prefixes: list[str]) -> None:
    logging.disable(logging.CRITICAL)  # the faults are expected: their warnings are noise
    scenarios = [s for s in load() if not prefixes or s.name.startswith(tuple(prefixes))]
    passed = 0
    with tempfile.TemporaryDirectory(prefix="quitgpt-bench-") as folder:
        for scenario in scenarios:
            started = time.perf_counter()
            try:
                problems, clean, faulty = await check(scenario, Path(folder))
            except Exception as error:  # one scenario the bot (or the replay) cannot finish
                print(f"FAIL {scenario.name}: {error!r}", flush=True)
                continue
            took = time.perf_counter() - started
            passed += not problems
            verdict = "pass" if not problems else "FAIL"
            times = f"{clean.seconds:.1f} s clean, {faulty.seconds:.1f} s faulty, {took:.0f} s"
            print(f"{verdict} {scenario.name} ({times})", flush=True)
            for problem in problems[:5]:
                print(f"     {problem}", flush=True)
    print(f"{passed} of {len(scenarios)} scenarios pass")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
