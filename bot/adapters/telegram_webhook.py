"""Receiving a Telegram webhook set once for every instance behind a load balancer.

`quitgpt-bot telegram set-webhook` (`telegram_webhook_admin.py`) registers the configured
URL and secret token with the Bot API; each instance started with
`TELEGRAM_WEBHOOK_MANAGED=true` only receives. It cannot use python-telegram-bot's own
webhook server for that, which calls setWebhook each time it starts
(`Updater.start_webhook`): instances restarting one by one would each set it again. The
receiver does what PTB's custom-webhook example does instead: it checks the secret header,
builds the `Update` and puts it on the application's update queue.
"""

from __future__ import annotations

import hmac
import logging
from http import HTTPStatus
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

# https://core.telegram.org/bots/api#setwebhook: sent with every update when a
# secret_token was given.
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
log = logging.getLogger(__name__)


class WebhookReceiver:
    """Serves `path` on `listen:port`: a POST carrying the secret becomes an update."""

    def __init__(
        self, application: Application[Any, Any, Any, Any, Any, Any], path: str, secret: str
    ) -> None:
        self.application = application
        self.secret = secret.encode()
        server = web.Application()
        server.router.add_post(path, self._receive)
        self._runner = web.AppRunner(server, access_log=None, shutdown_timeout=2.0)
        self.running = False

    async def start(self, listen: str, port: int) -> None:
        await self._runner.setup()
        await web.TCPSite(self._runner, listen, port).start()
        self.running = True

    async def stop(self) -> None:
        self.running = False
        await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=HTTPStatus.FORBIDDEN)
        try:
            update = Update.de_json(await request.json(), self.application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):  # JSONDecodeError included
            log.warning("telegram webhook: an update that could not be read")
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        await self.application.update_queue.put(update)
        return web.Response(status=HTTPStatus.OK)
