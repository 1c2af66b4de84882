"""Which campaign source brought a member, held until they pledge: in memory only.

A member who opens the bot through a source's link (`/start src_affiche_lyon`) and pledges
within a day is counted under that source. The link between the member and the source lives
only here, keyed by their pseudonymous key, and only until the pledge, a day, `/oubli` or a
restart: the database keeps counts per source, never who came through which.
"""

from __future__ import annotations

from datetime import datetime, timedelta

HELD = timedelta(days=1)


class Arrivals:
    def __init__(self) -> None:
        self._held: dict[str, tuple[str, datetime]] = {}

    def arrived(self, member: str, code: str, now: datetime) -> None:
        self._drop_old(now)
        self._held[member] = (code, now)

    def take(self, member: str, now: datetime) -> str | None:
        """The source that brought the member, once; None when none did (or too long ago)."""
        code = self.held(member, now)
        self.forget(member)
        return code

    def held(self, member: str, now: datetime) -> str | None:
        """The source held for the member, left in place (to show them)."""
        self._drop_old(now)
        code, _ = self._held.get(member, (None, now))
        return code

    def forget(self, member: str) -> None:
        self._held.pop(member, None)

    def __len__(self) -> int:
        return len(self._held)

    def _drop_old(self, now: datetime) -> None:
        for member in [m for m, (_, when) in self._held.items() if now - when > HELD]:
            del self._held[member]
