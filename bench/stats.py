"""Small helpers shared by the benchmarks: percentiles and a uniform report line."""

from __future__ import annotations

import statistics


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency_summary(seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"p50 {percentile(ms, 0.50):.2f} ms, p99 {percentile(ms, 0.99):.2f} ms, "
        f"mean {statistics.fmean(ms):.2f} ms, max {max(ms):.2f} ms"
    )
