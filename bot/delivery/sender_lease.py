"""Which instance sends a platform's posts: the one holding its sender lease.

Every instance renews or tries to take the lease (a row in the database, claimed by a
conditional update) every `RENEW_EVERY` seconds, valid `VALID_FOR` seconds: the holder
keeps it, and when it dies another instance takes it over once it has expired. The
holder counts its lease as its own for `VALID_FOR - RENEW_EVERY` seconds from the moment
it asked, so that it stops sending before anyone else may start, even with the hosts'
clocks that far apart. A stopping holder gives the lease up: it expires `handover`
seconds after the holder's last message (the platform's limits span that long, see
`pacing.handover`), and the next instance takes it at its next try after that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from bot.services import Services

log = logging.getLogger(__name__)
RENEW_EVERY = 2.0
VALID_FOR = 10.0


class NotSender(Exception):
    """This instance no longer holds its platform's sender lease."""


class SenderLease:
    def __init__(
        self,
        services: Services,
        platform: str,
        holder: str,
        *,
        handover: float = 0.0,
        renew_every: float = RENEW_EVERY,
        valid_for: float = VALID_FOR,
    ) -> None:
        self.services, self.platform, self.holder = services, platform, holder
        self.handover, self.renew_every, self.valid_for = handover, renew_every, valid_for
        self._held_until = 0.0  # event loop time
        self._gained = asyncio.Event()

    @property
    def held(self) -> bool:
        return asyncio.get_running_loop().time() < self._held_until

    def check(self) -> None:
        """Raise `NotSender` unless the lease is held now."""
        if not self.held:
            raise NotSender(self.platform)

    async def gained(self) -> None:
        """Wait until the lease is held."""
        while not self.held:
            self._gained.clear()
            await self._gained.wait()

    async def renew(self) -> bool:
        """Take or renew the lease once; whether it is held."""
        loop, storage = asyncio.get_running_loop(), self.services.storage
        asked, now = loop.time(), self.services.clock()
        was_held = self.held
        try:
            got = await storage.deliveries.claim_sender(
                self.platform, self.holder, now, now + timedelta(seconds=self.valid_for)
            )
        except Exception:  # the database is busy or away: the lease runs out on its own
            log.exception("sender lease not renewed", extra={"platform": self.platform})
            return self.held
        if got:
            self._held_until = asked + self.valid_for - self.renew_every
            self._gained.set()
        if got != was_held:
            log.info(
                "sender lease taken" if got else "sender lease lost",
                extra={"platform": self.platform, "holder": self.holder},
            )
        return got

    @contextlib.asynccontextmanager
    async def kept(self) -> AsyncIterator[None]:
        """Renew the lease in the background during the block; give it up at its end,
        once the block sent its last message."""

        async def renewing() -> None:
            while True:
                await self.renew()
                await asyncio.sleep(self.renew_every)

        task = asyncio.create_task(renewing(), name=f"sender-lease-{self.platform}")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self._held_until = 0.0
            free_at = self.services.clock() + timedelta(seconds=self.handover)
            try:
                await self.services.storage.deliveries.release_sender(
                    self.platform, self.holder, free_at
                )
                log.info("sender lease given up", extra={"platform": self.platform})
            except Exception:  # it expires on its own
                log.exception("sender lease not given up", extra={"platform": self.platform})
