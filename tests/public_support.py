"""Helpers for the public counter's tests: a bot with the counter on, requests to it, and
the figures `/compteur` shows, read back from its text."""

from __future__ import annotations

import re
import socket
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import aiohttp
from multidict import CIMultiDict

from bot.app import App
from bot.markup import to_plain
from bot.services import Services
from storage.api.protocols import PledgeStore, Storage
from storage.api.records import HourCount, Kind, Tally

_LINE = re.compile(r"^(?:• )?(?P<label>.+?) : \+?(?P<count>\d[\d\s\u202f]*)$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def digits(text: str) -> int:
    """A count as written in any language: `12 345`, `12,345`, `+3`."""
    return int(re.sub(r"\D", "", text))


def compteur_figures(app: App, text: str) -> dict[str, Any]:
    """The French `/compteur` reply as the JSON document's figures, told apart by their
    place and by the catalogue's labels (no French in this code)."""
    kinds = {
        to_plain(app.services.catalogues.get("fr", f"kind.{kind.name.lower()}")): kind
        for kind in Kind
        if kind.name
    }
    headline: list[int] = []
    platforms: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    for line in to_plain(text).splitlines():
        if not (match := _LINE.match(line)):
            continue
        label, count = match["label"], digits(match["count"])
        if label in kinds:
            by_kind[str(kinds[label].name).lower()] = count
        elif line.startswith("• "):
            platforms[label.lower()] = count
        else:
            headline.append(count)
    total, done, last_day, *waiting = headline  # conditional pledges, when there are any
    return {
        "total": total,
        "done": done,
        "last_24h": last_day,
        "conditional": waiting[0] if waiting else 0,
        "by_platform": platforms,
        "by_kind": by_kind,
    }


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: CIMultiDict[str]
    text: str


async def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> Answer:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}", headers=headers) as response,
    ):
        return Answer(response.status, CIMultiDict(response.headers), await response.text())


def pledge_count(database: Path) -> int:
    """The pledges the database file holds, counted row by row (not from the tally)."""
    with sqlite3.connect(database) as conn:
        [(count,)] = conn.execute("SELECT COUNT(*) FROM pledges").fetchall()
    return int(count)


def absent(needles: Iterable[str], *haystacks: str) -> list[str]:
    """The needles found in any haystack (what must be empty)."""
    return [n for n in needles for h in haystacks if n in h]


class CountingPledges:
    """The pledge store as the counter sees it, counting the tally reads made through it
    (or failing them on demand, as a database locked past its time-out would)."""

    def __init__(self, pledges: PledgeStore) -> None:
        self.pledges = pledges
        self.reads = 0
        self.broken = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pledges, name)

    def _count(self) -> None:
        self.reads += 1
        if self.broken:
            raise sqlite3.OperationalError("database is locked")

    async def get_tally(self, now: datetime) -> Tally:
        self._count()
        return await self.pledges.get_tally(now)

    async def hourly_counts(self) -> list[HourCount]:
        self._count()
        return await self.pledges.hourly_counts()


class _StorageWith:
    """A storage whose pledge area is replaced, every other area its own."""

    def __init__(self, storage: Storage, pledges: CountingPledges) -> None:
        self._storage, self.pledges = storage, pledges

    def __getattr__(self, name: str) -> Any:
        return getattr(self._storage, name)


def counted(services: Services, **config: Any) -> tuple[Services, CountingPledges]:
    """`services` whose tally reads are counted, with `config` changed."""
    counting = CountingPledges(services.storage.pledges)
    storage = cast(Storage, _StorageWith(services.storage, counting))
    changed = replace(services, storage=storage, config=replace(services.config, **config))
    return changed, counting
