"""The tally, read from the counters the pledge triggers keep (never a COUNT)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Database
from storage.pledges import Kind, hour_of, parse_hour

LAST_DAY = timedelta(hours=24)
_KINDS = {"kind:cancel": Kind.CANCEL, "kind:app": Kind.APP, "kind:switch": Kind.SWITCH}


@dataclass(frozen=True, slots=True)
class Tally:
    total: int
    done: int
    last_day: int  # standing pledges made in the last 24 hours
    platforms: Mapping[str, int]
    kinds: Mapping[Kind, int]


@dataclass(frozen=True, slots=True)
class HourCount:
    hour: datetime  # its start, in UTC: pledge times are kept to the hour
    pledged: int  # standing pledges made that hour
    done: int  # pledges marked carried out that hour


async def get_tally(db: Database, now: datetime) -> Tally:
    """A few counter rows plus at most 25 hourly buckets, at any number of pledges."""
    rows = await db.fetchall(
        "SELECT name, value FROM tally_counters UNION ALL"
        " SELECT 'last_day', COALESCE(SUM(pledged), 0) FROM tally_hours WHERE hour >= ?",
        (hour_of(now - LAST_DAY),),
    )
    values = {row["name"]: row["value"] for row in rows}
    return Tally(
        total=values.get("total", 0),
        done=values.get("done", 0),
        last_day=values["last_day"],
        platforms={
            name.removeprefix("platform:"): value
            for name, value in sorted(values.items())
            if name.startswith("platform:") and value
        },
        kinds={kind: values.get(name, 0) for name, kind in _KINDS.items()},
    )


async def hourly_counts(db: Database) -> list[HourCount]:
    """Pledges and pledges carried out per hour that has any, oldest first, for the chart."""
    rows = await db.fetchall(
        "SELECT hour, pledged, done FROM tally_hours WHERE pledged OR done ORDER BY hour"
    )
    return [HourCount(parse_hour(row["hour"]), row["pledged"], row["done"]) for row in rows]
