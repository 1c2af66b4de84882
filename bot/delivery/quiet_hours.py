"""Quiet hours: deliveries to private chats wait for the morning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: time
    end: time
    zone: ZoneInfo

    @classmethod
    def parse(cls, spec: str, zone: str) -> QuietHours | None:
        """`22:00-08:00` in `Europe/Paris`; an empty spec or `off` means none."""
        if spec.strip().lower() in {"", "off", "none"}:
            return None
        start, _, end = spec.partition("-")
        return cls(
            time.fromisoformat(start.strip()), time.fromisoformat(end.strip()), ZoneInfo(zone)
        )

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def release(self, moment: datetime) -> datetime:
        """When a private delivery created at `moment` may go out."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(self.zone)
        end = datetime.combine(local.date(), self.end, self.zone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, self.zone)
        return end.astimezone(moment.tzinfo)
