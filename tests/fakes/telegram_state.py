"""The simulated Telegram world behind ``FakeTelegram``, and the test-facing half of its API.

:class:`TelegramWorld` holds chats, users, messages and the update queue; tests use it to read
back what the bot did (``sent``, ``wait_for``, ``calls``...). ``telegram_users.py`` adds acting
as Telegram users and injecting faults; no I/O here: ``telegram_api.py`` adds the HTTP server
and the Bot API methods.
"""

from __future__ import annotations

import copy
import json
import math
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .signal import Signal

JSON = dict[str, Any]

DEFAULT_USER_ID = 1001
# Update types getUpdates leaves out unless allowed_updates lists them explicitly.
OPT_IN_UPDATES = ("chat_member", "message_reaction", "message_reaction_count")
# The rights of ChatMemberRestricted (https://core.telegram.org/bots/api#chatmemberrestricted).
_MEMBER_RIGHTS = (
    "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
    "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
    "can_send_other_messages", "can_add_web_page_previews", "can_react_to_messages",
    "can_edit_tag", "can_change_info", "can_invite_users", "can_pin_messages",
    "can_manage_topics",
)  # fmt: skip
_ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories", "can_pin_messages",
)  # fmt: skip


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code", "description"[, "parameters"]}``."""

    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def payload(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        return {**body, "parameters": self.parameters} if self.parameters else body


def bad_request(reason: str, **parameters: Any) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}", **parameters)


def forbidden(chat_type: str, status: str = "kicked") -> ApiError:
    """Telegram's 403 for a chat the bot was blocked in, removed from or has left."""
    if chat_type == "private":
        return ApiError(403, "Forbidden: bot was blocked by the user")
    if status == "kicked":
        return ApiError(403, f"Forbidden: bot was kicked from the {chat_type} chat")
    return ApiError(403, f"Forbidden: bot is not a member of the {chat_type} chat")


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    data: bytes


@dataclass
class ApiCall:
    """One request of the bot, with decoded parameters (ints, bools, JSON, :class:`Upload`)."""

    method: str
    params: JSON
    at: float = field(default_factory=time.monotonic)
    token: str = ""  # the one in the URL: tells apart clients that share the bot's id


@dataclass
class BotAction:
    """Something the bot did to a chat.

    ``kind``: "message", "photo", "edit_text", "edit_markup", "delete", "pin" or "unpin".
    ``text`` is what the bot sent (raw HTML if ``parse_mode`` is "HTML"; a photo's caption);
    ``message`` is a snapshot of the Message the server answered with.
    """

    method: str
    kind: str
    chat_id: int
    message_id: int | None
    text: str | None = None
    parse_mode: str | None = None
    reply_markup: JSON | None = None
    photo: bytes | None = None
    message: JSON | None = None
    params: JSON = field(default_factory=dict)

    @property
    def buttons(self) -> list[JSON]:
        """The inline keyboard's buttons, row after row."""
        return [b for row in (self.reply_markup or {}).get("inline_keyboard", []) for b in row]

    @property
    def plain_text(self) -> str | None:
        """The text (or caption) users see: tags removed, HTML entities decoded."""
        message = self.message or {}
        return message.get("text", message.get("caption"))


class FloodControl:
    """Telegram's broadcast limits: 30 messages/second overall and 20/minute per group."""

    def __init__(self, per_second: int = 30, per_group_minute: int = 20) -> None:
        self.per_second, self.per_group_minute = per_second, per_group_minute
        self._all: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}

    def check(self, chat_id: int) -> int | None:
        """Count a message to ``chat_id``, or return retry_after seconds if over a limit."""
        now = time.monotonic()
        _prune(self._all, now, 1.0)
        if len(self._all) >= self.per_second:
            return 1
        if chat_id < 0:
            group = _prune(self._groups.setdefault(chat_id, deque()), now, 60.0)
            if len(group) >= self.per_group_minute:
                return max(1, math.ceil(60.0 - (now - group[0])))
            group.append(now)
        self._all.append(now)
        return None


def _prune(window: deque[float], now: float, span: float) -> deque[float]:
    while window and now - window[0] >= span:
        window.popleft()
    return window


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of entity offsets and of Telegram's limits."""
    return len(text.encode("utf-16-le")) // 2


def scope_key(scope: JSON | str | None) -> str:
    """Canonical JSON of a BotCommandScope (a type name such as "all_group_chats" works)."""
    scope = {"type": scope} if isinstance(scope, str) else scope
    return json.dumps(scope or {"type": "default"}, sort_keys=True, separators=(",", ":"))


def infer_chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def member_json(user: JSON, status: str, rights: JSON | None = None) -> JSON:
    """A ChatMember of the given status with every field PTB requires; a "restricted" one
    has every right but those ``rights`` take away."""
    member: JSON = {"user": user, "status": status}
    if status == "restricted":
        member.update(is_member=True, until_date=0, **dict.fromkeys(_MEMBER_RIGHTS, True))
        member.update(rights or {})
    elif status == "kicked":
        member["until_date"] = 0
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(can_be_edited=False, is_anonymous=False, **dict.fromkeys(_ADMIN_RIGHTS, True))
    return member


class TelegramWorld:
    """Chats, users, messages and updates, plus the test API to act and to inspect."""

    def __init__(self, token: str, bot_username: str) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "QuitGPT Test Bot",
            "username": bot_username,
        }
        self.calls: list[ApiCall] = []  # every request, in order
        self.actions: list[BotAction] = []  # what the bot did to chats; see sent()
        # the same actions by chat, so that many waiters on their own chats stay cheap
        self._actions_by_chat: dict[int | str, list[BotAction]] = {}
        self.callback_answers: dict[str, JSON] = {}  # callback query id -> the answer
        self.commands: dict[tuple[str, str], list[JSON]] = {}  # (scope_key, language) -> list
        self.faults_served: Counter[str] = Counter()
        self.confirmed_offset = 0
        self._chats: dict[int, JSON] = {}
        self._users: dict[int, JSON] = {}
        self._members: dict[int, set[int]] = {}
        self._admins: dict[int, tuple[int | None, list[int]]] = {}
        self._topics: dict[int, set[int]] = {}  # forum chat id -> its topics' thread ids
        self._bot_status: dict[int, str] = {}  # chat id -> member/administrator/left/kicked
        self._rights: dict[int, JSON] = {}  # chat id -> the rights the bot lacks there
        self._messages: dict[tuple[int, int], JSON] = {}
        self._last_message_id: dict[int, int] = {}
        self._migrated: dict[int, int] = {}
        self._open_callbacks: set[str] = set()
        self._updates: list[JSON] = []
        self._last_update_id = 100_000
        self._allowed_updates: list[str] | None = None
        self._updates_signal, self._actions_signal = Signal(), Signal()

    # -- reading what the bot did --------------------------------------------------------------

    def sent(self, chat_id: int | None = None, kind: str | None = None) -> list[BotAction]:
        """Recorded bot actions (messages, photos, edits, deletes, pins), oldest first."""
        actions = self.actions if chat_id is None else self._actions_by_chat.get(chat_id, [])
        return [a for a in actions if kind in (None, a.kind)]

    async def wait_for(
        self,
        predicate_or_count: int | Callable[[BotAction], bool],
        *,
        chat_id: int | None = None,
        kind: str | None = None,
        timeout: float = 5.0,
    ) -> list[BotAction]:
        """Wait until ``sent(chat_id, kind)`` holds N actions, or one matching a predicate.

        Returns those (matching) actions; raises AssertionError after ``timeout`` seconds.
        """
        predicate = predicate_or_count if callable(predicate_or_count) else None
        count = 1 if predicate else int(predicate_or_count)  # type: ignore[arg-type]
        deadline = time.monotonic() + timeout
        while True:
            found = [a for a in self.sent(chat_id, kind) if predicate is None or predicate(a)]
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"bot did {len(found)}/{count} expected actions (chat_id={chat_id}, "
                    f"kind={kind}) within {timeout}s; all actions: {self.actions}"
                )
            await self._actions_signal.wait(deadline - time.monotonic())

    def calls_to(self, method: str) -> list[ApiCall]:
        """The recorded calls of one Bot API method (case-insensitive)."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def commands_for(self, scope: JSON | str | None = None, language_code: str = "") -> list[JSON]:
        """What setMyCommands stored for a scope (a dict or a type such as "all_group_chats")."""
        return self.commands.get((scope_key(scope), language_code), [])

    def menu_shown(self, chat_id: int, user_id: int, language_code: str = "") -> list[str]:
        """The command names Telegram shows ``user_id`` in ``chat_id``'s menu: the first list
        set along the Bot API's order ("Determining list of commands", BotCommandScope),
        each scope with the user's language, then without; administrators' scopes only for
        administrators."""
        chat = self._ensure_chat(chat_id, None, None, None)
        if chat["type"] == "private":
            scopes: list[JSON] = [{"type": "chat", "chat_id": chat_id}]
            scopes += [{"type": "all_private_chats"}]
        else:
            creator, admins = self._admins.get(chat_id, (None, []))
            admin = user_id == creator or user_id in admins
            scopes = [{"type": "chat_member", "chat_id": chat_id, "user_id": user_id}]
            scopes += [{"type": "chat_administrators", "chat_id": chat_id}] if admin else []
            scopes += [{"type": "chat", "chat_id": chat_id}]
            scopes += [{"type": "all_chat_administrators"}] if admin else []
            scopes += [{"type": "all_group_chats"}]
        for scope in [*scopes, {"type": "default"}]:
            for language in dict.fromkeys((language_code, "")):
                commands = self.commands.get((scope_key(scope), language))
                if commands:
                    return [command["command"] for command in commands]
        return []

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    # -- bookkeeping ---------------------------------------------------------------------------

    def _user(self, user_id: int, **details: str | None) -> JSON:
        """A user (created on first sight), updated with the non-empty ``details``."""
        user = self._users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        )
        user.update({key: value for key, value in details.items() if value})
        return dict(user)

    def _ensure_chat(
        self, chat_id: int, chat_type: str | None, title: str | None, user: JSON | None
    ) -> JSON:
        """The chat with this id; if new, created with the given or inferred type."""
        if chat_id not in self._chats:
            chat: JSON = {"id": chat_id, "type": chat_type or infer_chat_type(chat_id)}
            if chat["type"] == "private":
                person = user or self._user(chat_id)
                chat.update({k: v for k, v in person.items() if k in ("first_name", "username")})
            else:
                chat["title"] = title or f"Test {chat['type']} {chat_id}"
            self._chats[chat_id] = chat
        return self._chats[chat_id]

    def _new_message(self, chat_id: int, sender: JSON | None, **content: Any) -> JSON:
        """Store a message with the chat's next message_id (channels: sender_chat, no from)."""
        chat = self._ensure_chat(chat_id, None, None, None)
        message_id = self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        message: JSON = {"message_id": message_id, "date": int(time.time()), "chat": chat}
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        elif sender is not None:
            message["from"] = sender
        message.update({key: value for key, value in content.items() if value is not None})
        self._messages[(chat_id, message_id)] = message
        return message

    def _queue(self, kind: str, payload: JSON) -> JSON:
        """Queue an update with a snapshot of ``payload`` unless allowed_updates excludes it."""
        allowed = self._allowed_updates
        wanted = kind in allowed if allowed else kind not in OPT_IN_UPDATES
        if wanted:
            self._last_update_id += 1
            self._updates.append({"update_id": self._last_update_id, kind: copy.deepcopy(payload)})
            self._updates_signal.fire()
        return copy.deepcopy(payload)

    def _chat_member_update(
        self, chat_id: int, actor: JSON, status: str, rights: JSON | None = None
    ) -> JSON:
        """Set the bot's status (and, if "restricted", its ``rights``) in a chat and queue
        the my_chat_member update."""
        old_status = self._bot_status.get(chat_id, "member" if chat_id > 0 else "left")
        old = member_json(self.bot_user, old_status, self._rights.pop(chat_id, None))
        self._bot_status[chat_id] = status
        self._rights.update({chat_id: rights} if rights else {})
        return self._queue(
            "my_chat_member",
            {
                "chat": self._chats[chat_id],
                "from": actor,
                "date": int(time.time()),
                "old_chat_member": old,
                "new_chat_member": member_json(self.bot_user, status, rights),
            },
        )

    def _record(
        self, method: str, kind: str, p: JSON, message: JSON | None = None, photo: bytes = b""
    ) -> None:
        """Record a bot action from the call's params and a snapshot of the resulting message."""
        message_id = message["message_id"] if message else p.get("message_id")
        action = BotAction(method, kind, p["chat_id"], message_id, photo=photo or None)
        action.text, action.parse_mode = p.get("text", p.get("caption")), p.get("parse_mode")
        action.reply_markup, action.message, action.params = p.get("reply_markup"), message, p
        recorded = copy.deepcopy(action)
        self.actions.append(recorded)
        self._actions_by_chat.setdefault(recorded.chat_id, []).append(recorded)
        self._actions_signal.fire()
