"""Bot processes side by side on one database (a SQLite file, or a PostgreSQL server's),
Telegram by webhook behind the loopback round-robin balancer: for the tests and the bench
of the sender's fail-over.

Long polling cannot be shared (the Bot API answers a second `getUpdates` consumer with 409
Conflict), so every instance serves the webhook, and the balancer gives each its turn; a
dead instance's turns get 502, which Telegram posts again until an instance answers 2xx.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from storage.sqlite.db import parse_stamp
from tests.fakes.telegram_api import FakeTelegram
from tests.proxy import free_ports, proxy
from tests.storage_backends import SharedDatabase
from tests.support import ENV
from tests.test_kill_telegram import CHATS, FIRST_CHAT, MODERATOR

SECRET = "shared-s3cret_for-every-instance"


class Instance:
    """One bot process, serving the webhook on its own port; its calls to the Bot API
    carry a token of its own (one bot id), so the fake tells whose each call is."""

    def __init__(self, name: str, port: int, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.token = f"{env['TELEGRAM_TOKEN']}L{name}"
        env = {**env, "QUITGPT_INSTANCE": name, "TELEGRAM_WEBHOOK_PORT": str(port)}
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                env={**env, "TELEGRAM_TOKEN": self.token},
            )

    async def end(self, sig: signal.Signals, timeout: float = 30.0) -> int:
        """Send `sig` and wait for the exit without blocking the loop, where the fake
        platform still answers the messages a stopping instance finishes sending."""
        self.process.send_signal(sig)
        deadline = time.monotonic() + timeout
        while (code := self.process.poll()) is None:
            assert time.monotonic() < deadline, f"{self.name} did not exit"
            await asyncio.sleep(0.02)
        return code


@asynccontextmanager
async def instances(
    database: SharedDatabase, tg: FakeTelegram, log: Path, names: str = "ab", **settings: str
) -> AsyncIterator[dict[str, Instance]]:
    """One process per name on `database` (seeded, with its member key secret), the
    webhook set to the balancer as `quitgpt-bot telegram set-webhook` does; `settings`
    are more environment variables. Processes still running at the end are killed."""
    ports = free_ports(len(names))
    async with proxy(*(f"http://127.0.0.1:{port}" for port in ports)) as balancer:
        url = f"{balancer.url}/telegram"
        await tg.api_setWebhook({"url": url, "secret_token": SECRET})
        env = {
            **ENV,
            **database.settings,
            "QUITGPT_MODERATORS": f"telegram:{MODERATOR}",
            "QUITGPT_QUIET_HOURS": "off",
            "TELEGRAM_TOKEN": tg.token,
            "TELEGRAM_API_URL": tg.base_url,
            "TELEGRAM_WEBHOOK_URL": url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_WEBHOOK_MANAGED": "true",
            **settings,
        }
        running = {
            name: Instance(name, port, env, log) for name, port in zip(names, ports, strict=True)
        }
        try:
            yield running
        finally:
            for instance in running.values():
                if instance.process.poll() is None:
                    instance.process.kill()
                    instance.process.wait(timeout=30)


def lease(database: SharedDatabase) -> tuple[str, datetime] | None:
    """Who holds Telegram's sender lease, until when (a timestamp on PostgreSQL, the
    text of one on SQLite)."""
    found = database.rows("SELECT holder, expires_at FROM sender_leases")
    if not found:
        return None
    [(who, until)] = found
    return str(who), until if isinstance(until, datetime) else parse_stamp(until)


def holder(database: SharedDatabase) -> str | None:
    held = lease(database)
    return None if held is None else held[0]


def is_post(params: dict[str, object]) -> bool:
    """A post from the outbox: to a subscribed chat, or the moderator's report."""
    chat = int(str(params["chat_id"]))
    report = chat == MODERATOR and "Bilan" in str(params["text"])
    return FIRST_CHAT <= chat < FIRST_CHAT + CHATS or report
