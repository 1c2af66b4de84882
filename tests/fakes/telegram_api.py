"""A fake Telegram Bot API server for driving the real python-telegram-bot in tests.

    async with FakeTelegram() as tg:
        app = (ApplicationBuilder().token(tg.token).base_url(tg.base_url)
               .base_file_url(tg.base_file_url).build())
        ...  # initialize, start, updater.start_polling(poll_interval=0, timeout=1)
        tg.user_sends("/start", chat_id=42)
        [reply] = await tg.wait_for(1, chat_id=42)

Serves ``/bot<token>/<method>`` (JSON, urlencoded or multipart bodies, or a query string) and
``/file/bot<token>/<file_path>`` on 127.0.0.1 with a free port. One bot identity
(``bot_user``, its id taken from ``token``); any well-formed token is accepted. Chats the bot
writes to unannounced are created on the fly (type inferred from the id). Once ``setWebhook``
gave a URL, updates are posted there (``telegram_webhook.py``). Not simulated: Markdown
validation. The test-facing API is documented on
:class:`TelegramUsers` (acting as users), :class:`TelegramInline` (inline queries, the
bot's descriptions), :class:`TelegramFaults` (``fail_next``,
``fail_chat``, ``clear_faults``, ``restrict``) and :class:`TelegramWorld` (reading what the
bot did).
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from .telegram_chats import TelegramChats
from .telegram_checks import (
    apply_edit,
    check_commands,
    check_reply_markup,
    commands_key,
    format_text,
    image_size,
)
from .telegram_inline import TelegramInline
from .telegram_params import read_params
from .telegram_state import (
    JSON,
    ApiCall,
    ApiError,
    BotAction,
    FloodControl,
    Upload,
    bad_request,
)
from .telegram_users import TelegramUsers
from .telegram_webhook import TelegramWebhook

__all__ = ["BotAction", "FakeTelegram"]

BOT_USERNAME = "quitgpt_test_bot"
DEFAULT_TOKEN = "123456789:AAHfakeTokenForQuitGPTBotTests_0123"
TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}


class FakeTelegram(TelegramChats, TelegramInline, TelegramUsers, TelegramWebhook):
    """The Bot API over HTTP, plus the test API inherited from :class:`TelegramWorld`.

    ``enforce_limits=True`` answers 429 (with retry_after) once the bot exceeds 30
    messages/second overall or 20/minute to one group; counted in ``faults_served["429"]``.
    ``round_trip`` is the network's, in seconds, as from a server to api.telegram.org: each
    request reaches the Bot API half of it after it was sent, and its answer the bot the
    other half after the call was applied.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = BOT_USERNAME,
        enforce_limits: bool = False,
        round_trip: float = 0.0,
    ) -> None:
        super().__init__(token, bot_username)
        self.port = 0
        self.round_trip = round_trip
        self.flood = FloodControl() if enforce_limits else None
        self.webhook: JSON = {"url": ""}  # what setWebhook stored, as getWebhookInfo shows it
        self._init_webhook()
        self._own: set[tuple[int, int]] = set()  # (chat id, message id) of the bot's messages
        self._pinned: dict[int, int] = {}
        self._files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self._poll_generation = 0
        self._runner: web.AppRunner | None = None
        self._methods = {name[4:].lower(): name[4:] for name in dir(self) if name[:4] == "api_"}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._serve_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Release pending long polls and slow answers, then stop the server."""
        self._closing.set()
        self._updates_signal.fire()
        await self._stop_posting()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- HTTP plumbing -------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if not TOKEN_RE.match(request.match_info["token"]):
            return web.json_response(_NOT_FOUND, status=404)
        method = self._methods.get(request.match_info["method"].lower())
        lost = None
        await self._pause(self.round_trip / 2)
        try:
            params = await read_params(request)
            name, token = method or request.match_info["method"], request.match_info["token"]
            self.calls.append(ApiCall(name, params, token=token))
            if method is None:
                raise ApiError(404, "Not Found")
            lost = await self._before_call(method, params)
            handler: Callable[[JSON], Awaitable[Any]] = getattr(self, f"api_{method}")
            response = web.json_response({"ok": True, "result": await handler(params)})
        except ApiError as error:
            response = web.json_response(error.payload(), status=error.code)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # malformed params
            invalid = bad_request(f"FakeTelegram can't handle these parameters: {exc!r}")
            response = web.json_response(invalid.payload(), status=400)
        if lost is not None:  # the call took effect; its answer never leaves
            await self._pause(float(lost.options.get("hold", 0)))
            if request.transport is not None:
                request.transport.close()
        await self._pause(self.round_trip / 2)
        return response

    async def _serve_file(self, request: web.Request) -> web.Response:
        if TOKEN_RE.match(request.match_info["token"]):
            for file_path, content in self._files.values():
                if file_path == request.match_info["path"]:
                    return web.Response(body=content, content_type="application/octet-stream")
        return web.json_response(_NOT_FOUND, status=404)

    # -- Bot API methods: api_<method>(params) -> result ---------------------------------------

    async def api_getMe(self, p: JSON) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": self.inline_mode,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def api_getUpdates(self, p: JSON) -> list[JSON]:
        """Forget updates below ``offset``, then long-poll for up to ``timeout`` seconds."""
        if self.webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset, limit = p.get("offset", 0), min(max(p.get("limit", 100), 1), 100)
        if "allowed_updates" in p:
            self._allowed_updates = list(p["allowed_updates"])
        if offset < 0:  # keep only the last -offset updates
            del self._updates[:offset]
        elif offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self.confirmed_offset = max(self.confirmed_offset, offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()  # as in Telegram, a new poll terminates an older one
        deadline = time.monotonic() + float(p.get("timeout", 0))
        while not self._updates and not self._closing.is_set() and time.monotonic() < deadline:
            await self._updates_signal.wait(deadline - time.monotonic())
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make "
                    "sure that only one bot instance is running",
                )
        return self._updates[:limit]

    async def api_sendMessage(self, p: JSON) -> JSON:
        chat_id = self._chat_id(p)
        text, entities = format_text(p.get("text"), p, "entities", 4096)
        markup = check_reply_markup(p.get("reply_markup"))
        message = self._bot_message(chat_id, p, text=text, entities=entities, reply_markup=markup)
        self._record("sendMessage", "message", p, message)
        return message

    async def api_sendPhoto(self, p: JSON) -> JSON:
        """A photo is an upload (also via attach://), a known file_id or a URL (not fetched)."""
        chat_id, photo = self._chat_id(p), p.get("photo")
        if isinstance(photo, str) and photo.startswith("attach://"):
            photo = p.get(photo.removeprefix("attach://"))
        if isinstance(photo, Upload) or str(photo).startswith(("http://", "https://")):
            content, number = photo.data if isinstance(photo, Upload) else b"", len(self._files) + 1
            file_id = f"AgACAgFakeFile{number:06d}"
            self._files[file_id] = (f"photos/file_{number}.jpg", content)
        elif isinstance(photo, str) and photo in self._files:
            file_id, content = photo, self._files[photo][1]
        else:
            raise bad_request("there is no photo in the request")
        caption, entities = format_text(p.get("caption"), p, "caption_entities", 1024)
        markup = check_reply_markup(p.get("reply_markup"))
        size = {"file_id": file_id, "file_unique_id": f"U{file_id}", "file_size": len(content)}
        size["width"], size["height"] = image_size(content)
        message = self._bot_message(
            chat_id,
            p,
            photo=[size],
            caption=caption or None,
            caption_entities=entities,
            reply_markup=markup,
        )
        self._record("sendPhoto", "photo", p, message, photo=content)
        return message

    async def api_getFile(self, p: JSON) -> JSON:
        if p.get("file_id") not in self._files:
            raise bad_request("invalid file_id")
        path, content = self._files[p["file_id"]]
        return {
            "file_id": p["file_id"],
            "file_unique_id": f"U{p['file_id']}",
            "file_size": len(content),
            "file_path": path,
        }

    async def api_sendChatAction(self, p: JSON) -> bool:
        self._chat_id(p)
        return True

    async def api_editMessageText(self, p: JSON) -> JSON:
        """Like Telegram, an edit without reply_markup removes the inline keyboard."""
        message = self._editable(p)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text, entities = format_text(p.get("text"), p, "entities", 4096)
        markup = check_reply_markup(p.get("reply_markup"))
        apply_edit(message, text=text, entities=entities, reply_markup=markup)
        self._record("editMessageText", "edit_text", p, message)
        return message

    async def api_editMessageReplyMarkup(self, p: JSON) -> JSON:
        message = self._editable(p)
        markup = check_reply_markup(p.get("reply_markup"))
        apply_edit(message, reply_markup=markup)
        self._record("editMessageReplyMarkup", "edit_markup", p, message)
        return message

    async def api_deleteMessage(self, p: JSON) -> bool:
        chat_id = self._chat_id(p)
        if self._messages.pop((chat_id, p.get("message_id", 0)), None) is None:
            raise bad_request("message to delete not found")
        self._record("deleteMessage", "delete", p)
        return True

    async def api_pinChatMessage(self, p: JSON) -> bool:
        chat_id = self._chat_id(p)
        if (chat_id, p.get("message_id", 0)) not in self._messages:
            raise bad_request("message to pin not found")
        self._pinned[chat_id] = p["message_id"]
        self._record("pinChatMessage", "pin", p)
        return True

    async def api_unpinChatMessage(self, p: JSON) -> bool:
        chat_id = self._chat_id(p)
        if p.get("message_id") in (None, self._pinned.get(chat_id)):
            self._pinned.pop(chat_id, None)
        self._record("unpinChatMessage", "unpin", p)
        return True

    async def api_answerCallbackQuery(self, p: JSON) -> bool:
        if p.get("callback_query_id") not in self._open_callbacks:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._open_callbacks.discard(p["callback_query_id"])
        self.callback_answers[p["callback_query_id"]] = {
            "text": p.get("text"),
            "show_alert": p.get("show_alert", False),
            "url": p.get("url"),
            "cache_time": p.get("cache_time", 0),
        }
        return True

    async def api_setMyCommands(self, p: JSON) -> bool:
        """Stored per (scope, language_code); an empty list deletes, as in Telegram."""
        commands = check_commands(p.get("commands"))
        if not commands:
            return await self.api_deleteMyCommands(p)
        self.commands[commands_key(p)] = commands
        return True

    async def api_getMyCommands(self, p: JSON) -> list[JSON]:
        return self.commands.get(commands_key(p), [])

    async def api_deleteMyCommands(self, p: JSON) -> bool:
        self.commands.pop(commands_key(p), None)
        return True

    async def api_close(self, p: JSON) -> bool:
        return True

    async def api_logOut(self, p: JSON) -> bool:
        return True

    # -- helpers -------------------------------------------------------------------------------

    def _bot_message(self, chat_id: int, p: JSON, **content: Any) -> JSON:
        """Store a message from the bot (with reply_to_message if it replies to a known one).

        Bot API, sendMessage / sendPhoto: ``message_thread_id`` sends to a forum topic ("for
        forum supergroups only"; an unknown one is "message thread not found"), and the
        message then has ``is_topic_message``; ``reply_parameters`` names the message to
        reply to, refused if it does not exist unless ``allow_sending_without_reply``
        (ReplyParameters); ``link_preview_options`` is kept on the Message.
        """
        thread = p.get("message_thread_id")
        if thread is not None:
            if thread not in self._topics.get(chat_id, set()):
                raise bad_request("message thread not found")
            content.update(message_thread_id=thread, is_topic_message=True)
        reply = p.get("reply_parameters") or {"message_id": p.get("reply_to_message_id")}
        key = (int(reply.get("chat_id", chat_id)), int(reply.get("message_id") or 0))
        target = self._messages.get(key)
        if target is not None:  # replies are not nested further
            content["reply_to_message"] = quoted = dict(target)
            quoted.pop("reply_to_message", None)
        elif key[1] and not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        content["link_preview_options"] = p.get("link_preview_options")
        content = {name: value or None for name, value in content.items()}
        message = self._new_message(chat_id, self.bot_user, **content)
        self._own.add((chat_id, message["message_id"]))
        return message

    def _editable(self, p: JSON) -> JSON:
        chat_id = self._chat_id(p)
        key = (chat_id, p.get("message_id", 0))
        if key not in self._messages:
            raise bad_request("message to edit not found")
        if key not in self._own:
            raise bad_request("message can't be edited")
        return self._messages[key]
