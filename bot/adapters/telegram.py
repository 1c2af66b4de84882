"""The Telegram adapter, on python-telegram-bot inside the shared event loop."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from telegram import ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.adapters.telegram_errors import neutral
from bot.adapters.telegram_events import (
    PLATFORM,
    Membership,
    TextEvent,
    membership_change,
    migration,
    text_event,
)
from bot.adapters.telegram_inline import InlineRequest, answer_inline, inline_request
from bot.adapters.telegram_menus import sync_menus
from bot.adapters.telegram_polling import PollingRequest
from bot.adapters.telegram_posts import TelegramSender
from bot.adapters.telegram_profile import sync_profile
from bot.adapters.telegram_webhook import WebhookReceiver
from bot.app import App
from bot.delivery.deliverer import PartSent, not_recorded
from bot.delivery.errors import ChatGone, ChatMoved, DeliveryError
from bot.delivery.pacing import TELEGRAM
from bot.delivery.retry import retrying, send_now
from bot.seam import Button, ChatKind, ChatRef, PlatformUnavailable, Reply, Sender

log = logging.getLogger(__name__)
T = TypeVar("T")
# Reaching the Bot API at start: 4 attempts, about 1, 2 and 4 s apart.
START_ATTEMPTS = 4
START_BACKOFF = (1.0, 8.0)


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str  # the public URL Telegram posts to, usually a TLS reverse proxy's
    listen: str
    port: int
    secret: str
    path: str = "/telegram"  # the path served on listen:port
    managed: bool = False  # set once by `quitgpt-bot telegram set-webhook`, not at start


def api_urls(api_url: str) -> tuple[str, str]:
    """PTB's base_url and base_file_url for a self-hosted Bot API server."""
    root = api_url.rstrip("/").removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


class TelegramAdapter:
    platform = PLATFORM
    pacing = TELEGRAM
    idempotent = False  # the Bot API has no idempotency key

    def __init__(
        self,
        app: App,
        token: str,
        *,
        api_url: str = "",
        webhook: Webhook | None = None,
        timeout: float = 10.0,
        flood_limits: bool = True,
    ) -> None:
        """`flood_limits=False` drops Telegram's 30 messages/s pacing of replies (benchmarks)."""
        self.app = app
        self.webhook = webhook
        self.polling = PollingRequest()
        builder = ApplicationBuilder().token(token).get_updates_request(self.polling)
        if flood_limits:
            builder = builder.rate_limiter(AIORateLimiter())  # type: ignore[arg-type]
        builder = (
            builder.read_timeout(timeout)
            .write_timeout(timeout)
            .connect_timeout(timeout)
            .pool_timeout(timeout)
        )
        if api_url:
            base_url, base_file_url = api_urls(api_url)
            builder = builder.base_url(base_url).base_file_url(base_file_url)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.concurrent_updates(
            True
        ).build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.username = ""
        self.receiver: WebhookReceiver | None = None
        if webhook is not None and webhook.managed:
            self.receiver = WebhookReceiver(self.application, webhook.path, webhook.secret)

    async def start(self) -> None:
        application = self.application
        await self._initialize()
        self.username = application.bot.username
        self.app.services.entry_links[PLATFORM] = f"https://t.me/{self.username}"
        await sync_menus(self.app, application.bot)
        await sync_profile(self.app, application.bot)
        await application.start()
        updater = application.updater
        assert updater is not None
        if self.receiver is not None and self.webhook is not None:
            await self.receiver.start(self.webhook.listen, self.webhook.port)
        elif self.webhook is None:
            await updater.start_polling(
                poll_interval=0, timeout=10, allowed_updates=Update.ALL_TYPES
            )
        else:
            await updater.start_webhook(
                listen=self.webhook.listen,
                port=self.webhook.port,
                url_path=self.webhook.path,
                webhook_url=self.webhook.url,
                secret_token=self.webhook.secret or secrets.token_urlsafe(32),
                allowed_updates=Update.ALL_TYPES,
            )
        log.info(
            "telegram started", extra={"bot": self.username, "webhook": self.webhook is not None}
        )

    @property
    def connected(self) -> bool:
        """Polling, its last call answered, or the webhook server listening."""
        if self.receiver is not None:
            return self.application.running and self.receiver.running
        updater = self.application.updater
        running = self.application.running and updater is not None and updater.running
        return running and (self.webhook is not None or self.polling.working)

    async def _initialize(self) -> None:
        """Reach the Bot API (getMe), trying again a few times: a network that is not up yet
        should not stop the bot; one that stays down, or a refused token, does, in one line."""
        try:
            async for attempt in retrying(START_ATTEMPTS, START_BACKOFF):
                with attempt:
                    try:
                        await self.application.initialize()
                    except TelegramError as exc:
                        log.warning("telegram unreachable", extra={"error": type(exc).__name__})
                        raise neutral(exc) from exc
        except DeliveryError as exc:
            reason = f"{type(exc.__cause__).__name__}: {exc.__cause__}"
            message = f"Telegram is unreachable or refused the token ({reason})"
            raise PlatformUnavailable(message) from exc

    async def stop(self) -> None:
        application = self.application
        if self.receiver is not None and self.receiver.running:
            await self.receiver.stop()
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        log.info("telegram stopped")

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram update failed", exc_info=context.error)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if (change := membership_change(update)) is not None:
            await self._on_membership(*change)
        elif (moved := migration(update)) is not None:
            await self.app.chat_moved(*moved)
        elif (event := text_event(update)) is not None:
            await self._on_text(event)
        elif (request := inline_request(update)) is not None:
            await self._on_inline(request)

    async def _on_inline(self, request: InlineRequest) -> None:
        cards = await self.app.dispatcher.cards(PLATFORM, request.sender, request.text)
        try:
            await answer_inline(self.application.bot, request, cards)
        except TelegramError as error:  # the member typed on: the query expired
            log.info("telegram inline answer refused", extra={"error": type(error).__name__})

    async def _on_membership(self, chat: ChatRef, state: Membership, language: str | None) -> None:
        if state is Membership.LEFT:
            await self.app.chat_gone(chat, "blocked" if chat.kind is ChatKind.PRIVATE else "left")
        elif chat.kind is not ChatKind.PRIVATE:
            sender = Sender("", language)
            text = self.app.services.catalogues.get(
                self.app.dispatcher.language_of(sender), "telegram.added"
            )
            await self._send(chat, Reply(text))

    async def _on_text(self, event: TextEvent) -> None:
        dispatcher = self.app.dispatcher
        sender = event.sender
        msg = dispatcher.message(
            event.chat,
            sender,
            event.text,
            bot_username=self.username,
            from_button=event.callback_id is not None,
        )
        if msg is not None and not sender.is_chat_admin and dispatcher.needs_chat_admin(msg):
            # Asked at the moment it grants a right: a demoted admin loses it at once.
            sender = replace(sender, is_chat_admin=await self._is_chat_admin(msg.chat, sender))
            msg = replace(msg, sender=sender)
        if event.callback_id is not None:
            known = msg is not None and msg.command and dispatcher.command(msg.command)
            if not known:
                stale = self.app.services.catalogues.get(
                    dispatcher.language_of(sender), "error.stale_button"
                )
                await self.application.bot.answer_callback_query(event.callback_id, text=stale)
                return
            await self.application.bot.answer_callback_query(event.callback_id)
        if msg is None:
            return
        for reply in await dispatcher.handle(msg):
            if reply.private and event.chat.kind is not ChatKind.PRIVATE:
                await self._send_privately(event, reply)
                continue
            editing = event.message_id if reply.edit and event.callback_id else None
            answering = event.message_id if event.typed_in_group else None
            await self._send(event.chat, reply, edit=editing, reply_to=answering)

    async def _send_privately(self, event: TextEvent, reply: Reply) -> None:
        """Telegram has no replies only one member sees: a personal answer asked for in a
        group goes to the member's private chat, or the group is told how to open one."""
        member = ChatRef(PLATFORM, event.sender.id, ChatKind.PRIVATE)
        try:
            await send_now(self, member, replace(reply, private=False, edit=False))
            return
        except DeliveryError as error:  # the member never opened a chat with the bot
            log.info("telegram private answer refused", extra={"reason": error.reason})
        language = self.app.dispatcher.language_of(event.sender)
        note = self.app.services.catalogues.get(language, "telegram.open_private")
        button = Button(f"@{self.username}", url=f"https://t.me/{self.username}")
        await self._send(event.chat, Reply(note, ((button,),)))

    async def _is_chat_admin(self, chat: ChatRef, sender: Sender) -> bool:
        try:
            member = await self.application.bot.get_chat_member(int(chat.id), int(sender.id))
        except TelegramError as error:
            log.warning("telegram admin lookup failed", extra={"error": type(error).__name__})
            return False
        return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)

    async def _send(
        self, chat: ChatRef, reply: Reply, *, edit: int | None = None, reply_to: int | None = None
    ) -> None:
        """Answer a member (replying to `reply_to`, their message); platform trouble is
        logged, never raised into PTB."""
        sender = TelegramSender(self.application.bot, reply_to=reply_to)
        try:
            await send_now(sender, chat, reply, replace=str(edit) if edit else None)
        except ChatMoved as moved:
            await self.app.chat_moved(chat, moved.new_chat_id)
            await self._send(ChatRef(PLATFORM, moved.new_chat_id, chat.kind, chat.title), reply)
        except ChatGone as gone:
            await self.app.chat_gone(chat, gone.reason)
        except DeliveryError as error:
            log.warning("telegram reply failed", extra={"reason": error.reason})

    async def deliver(
        self,
        chat: ChatRef,
        reply: Reply,
        *,
        pace: Callable[[], Awaitable[None]],
        replace: str | None = None,
        pin: bool = False,
        start: int = 0,
        sent: PartSent = not_recorded,
        key: str = "",
    ) -> str | None:
        """Send the post's parts from `start` on (see `telegram_posts`)."""
        return await TelegramSender(self.application.bot).deliver(
            chat, reply, pace=pace, replace=replace, pin=pin, start=start, sent=sent, key=key
        )
