"""Updates posted to a webhook, as the Bot API does once ``setWebhook`` gave it a URL.

From https://core.telegram.org/bots/api#setwebhook: "Whenever there is an update for the
bot, we will send an HTTPS POST request to the specified URL, containing a JSON-serialized
Update. In case of an unsuccessful request (a request with response HTTP status code
different from 2XY), we will repeat the request and give up after a reasonable number of
attempts." And: "If you'd like to make sure that the webhook was set by you, you can specify
secret data in the parameter secret_token. If specified, the request will contain a header
“X-Telegram-Bot-Api-Secret-Token” with the secret token as content." getWebhookInfo reports
``pending_update_count``, ``last_error_date`` and ``last_error_message``
(https://core.telegram.org/bots/api#webhookinfo).

Simplified: one connection at a time (``max_connections`` is stored, not used), so updates
arrive in order; a failed update is posted again every ``retry_delay`` seconds, without
giving up; plain http is accepted, because tests only reach 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time

import aiohttp

from .telegram_faults import TelegramFaults
from .telegram_state import JSON, bad_request

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")  # setWebhook's secret_token


class TelegramWebhook(TelegramFaults):
    """setWebhook, deleteWebhook and getWebhookInfo; posts the queued updates to
    ``webhook["url"]`` while one is set."""

    retry_delay = 0.05
    webhook: JSON

    async def api_setWebhook(self, p: JSON) -> bool:
        """Store the webhook and post the updates to it; its secret_token is not shown by
        getWebhookInfo, as in the Bot API."""
        secret = str(p.get("secret_token") or "")
        if secret and not SECRET_TOKEN_RE.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        self._allowed_updates = p.get("allowed_updates", self._allowed_updates)
        await self.api_deleteWebhook(p)
        self.webhook = {k: p[k] for k in ("max_connections", "allowed_updates") if k in p}
        self.webhook["url"] = str(p.get("url") or "")
        if self.webhook["url"]:
            self._start_posting(self.webhook["url"], secret)
        return True

    async def api_deleteWebhook(self, p: JSON) -> bool:
        await self._stop_posting()
        self.webhook = {"url": ""}
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def api_getWebhookInfo(self, p: JSON) -> JSON:
        return {
            **self.webhook,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _init_webhook(self) -> None:
        self.webhook_posts: list[tuple[int, int]] = []  # (update_id, HTTP status or 0)
        self._secret_token = ""
        self._poster: asyncio.Task[None] | None = None

    def _start_posting(self, url: str, secret_token: str) -> None:
        self._secret_token = secret_token
        self._poster = asyncio.create_task(self._post_updates(url), name="fake-telegram-webhook")

    async def _stop_posting(self) -> None:
        if self._poster is not None:
            self._poster.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poster
            self._poster = None

    async def _post_updates(self, url: str) -> None:
        headers = {SECRET_HEADER: self._secret_token} if self._secret_token else {}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            while not self._closing.is_set():
                if not self._updates:
                    await self._updates_signal.wait(1.0)
                    continue
                update = self._updates[0]
                status = await self._post(http, url, update, headers)
                self.webhook_posts.append((update["update_id"], status))
                if 200 <= status < 300:
                    self._updates.remove(update)
                    continue
                self.webhook.update(
                    last_error_date=int(time.time()),
                    last_error_message=f"Wrong response from the webhook: {status}"
                    if status
                    else "Connection refused",
                )
                await asyncio.sleep(self.retry_delay)

    @staticmethod
    async def _post(
        http: aiohttp.ClientSession, url: str, update: JSON, headers: dict[str, str]
    ) -> int:
        try:
            async with http.post(url, json=update, headers=headers) as answer:
                await answer.read()
                return answer.status
        except (aiohttp.ClientError, TimeoutError):
            return 0
