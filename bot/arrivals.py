"""Which campaign source brought a member, held until they pledge: in memory only.

A member who opens the bot through a source's link (`/start src_affiche_lyon`) and pledges
within a day is counted under that source. The link between the member and the source lives
only here, keyed by their pseudonymous key, and only until the pledge, a day, `/oubli` or a
restart: the database keeps counts per source, never who came through which.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

HELD = timedelta(days=1)


class Arrivals:
    """Kept in arrival order, so that dropping the members held over a day stops at the
    first one still held: a pledge costs the same however many newcomers are held."""

    def __init__(self) -> None:
        self._held: OrderedDict[str, tuple[str, datetime]] = OrderedDict()

    def arrived(self, member: str, code: str, now: datetime) -> None:
        self._drop_old(now)
        self._held[member] = (code, now)
        self._held.move_to_end(member)  # arriving again: held from now

    def take(self, member: str, now: datetime) -> str | None:
        """The source that brought the member, once; None when none did (or too long ago)."""
        code = self.held(member, now)
        self.forget(member)
        return code

    def held(self, member: str, now: datetime) -> str | None:
        """The source held for the member, left in place (to show them)."""
        self._drop_old(now)
        code, since = self._held.get(member, (None, now))
        return code if now - since <= HELD else None

    def forget(self, member: str) -> None:
        self._held.pop(member, None)

    def __len__(self) -> int:
        return len(self._held)

    def _drop_old(self, now: datetime) -> None:
        while self._held:
            member, (_, since) = next(iter(self._held.items()))
            if now - since <= HELD:
                return
            del self._held[member]
