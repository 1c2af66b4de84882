"""The public counter's bodies, read from the database every few seconds and kept ready,
so that a flood of readers costs the database nothing."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from bot.chart import Series, cumulate
from bot.public.render import Page, Words, badge_svg, page_html, tally_document
from bot.services import Services
from storage.api.records import HourCount, Tally

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Body:
    data: bytes
    content_type: str
    etag: str  # strong: a hash of the bytes

    @classmethod
    def of(cls, text: str, content_type: str) -> Body:
        data = text.encode()
        return cls(data, content_type, f'"{hashlib.sha256(data).hexdigest()[:32]}"')


@dataclass(frozen=True, slots=True)
class Snapshot:
    updated: datetime  # when these figures were first read
    json: Body
    badges: Mapping[str, Body]  # by language
    pages: Mapping[str, Body]

    @property
    def last_modified(self) -> str:
        """`updated` as an HTTP date (RFC 9110 5.6.7)."""
        return format_datetime(self.updated.astimezone(UTC), usegmt=True)


class PublicCounter:
    """Holds the latest snapshot; `running()` refreshes it until the block ends."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.languages = tuple(services.catalogues.languages)
        self.snapshot: Snapshot | None = None
        self._read: tuple[Tally, list[HourCount], datetime] | None = None  # what it was built from

    async def refresh(self) -> Snapshot:
        """Read the figures (two queries); rebuild the bodies only when they changed, or
        when the hour did (the last 24 hours and the curve move with it)."""
        services = self.services
        now = services.clock()
        tally = await services.storage.pledges.get_tally(now)
        counts = await services.storage.pledges.hourly_counts()
        read = (tally, counts, now.astimezone(UTC).replace(minute=0, second=0, microsecond=0))
        if self.snapshot is None or read != self._read:
            self.snapshot = self._build(tally, cumulate(counts, now), now)
            self._read = read
        return self.snapshot

    def _build(self, tally: Tally, series: Series, now: datetime) -> Snapshot:
        config, catalogues = self.services.config, self.services.catalogues
        document = json.dumps(tally_document(tally, now), ensure_ascii=False, sort_keys=True)
        badges, pages = {}, {}
        for language in self.languages:
            words = Words(catalogues, language, config.timezone)
            value = words("public.total", count=words.number(tally.total))
            badges[language] = Body.of(
                badge_svg(words("public.badge_label"), value, language), "image/svg+xml"
            )
            others = [
                (code, catalogues.get(code, "public.language_name"))
                for code in self.languages
                if code != language
            ]
            page = Page(tally, series, now, config.public_refresh_seconds, others)
            pages[language] = Body.of(page_html(page, words), "text/html")
        return Snapshot(now, Body.of(document, "application/json"), badges, pages)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[PublicCounter]:
        """A first snapshot before the block starts, then a new read every
        `public_refresh_seconds`; a read that fails keeps the last snapshot."""
        await self.refresh()
        task = asyncio.create_task(self._refresh_regularly())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _refresh_regularly(self) -> None:
        every = self.services.config.public_refresh_seconds
        while True:
            await asyncio.sleep(every)
            try:
                await self.refresh()
            except Exception as exc:  # locked past its timeout, closed under us
                log.warning(
                    "public counter: the figures could not be read",
                    extra={"error": type(exc).__name__},
                )
