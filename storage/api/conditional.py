"""When conditional pledges become firm: the same rule on every backend."""

from __future__ import annotations

from collections.abc import Sequence


def met_threshold(firm: int, waiting: Sequence[tuple[int, int]]) -> int | None:
    """The highest threshold met, from the firm count and (threshold, how many wait on it)
    in increasing order; None if none is.

    "If N others do" is met once N other pledges count: firm ones, and conditional ones
    met too. Met thresholds form a prefix of the order, so the highest `t` for which the
    firm count plus every pledge waiting on `t` or less, less the pledge itself, reaches `t`.
    """
    met, counted = None, firm
    for threshold, waiting_on_it in waiting:
        counted += waiting_on_it
        if counted - 1 >= threshold:
            met = threshold
    return met
