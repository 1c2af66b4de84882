"""What the fake Bot API refuses before running a method, and the faults tests inject.

Refusals follow the Bot API's error answers ("Making requests": ``ok`` false, ``error_code``,
``description`` and, for flood control and migrated groups, ``parameters`` — see
ResponseParameters at https://core.telegram.org/bots/api#responseparameters). The wording of
the descriptions is the servers' own, as collected in github.com/TelegramBotAPI/errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

from .telegram_state import (
    DEFAULT_USER_ID,
    JSON,
    ApiError,
    FloodControl,
    TelegramWorld,
    bad_request,
    forbidden,
    infer_chat_type,
)

FAULT_KINDS = ("429", "403", "400_migrate", "500", "slow", "400", "lost", "error", "timeout")
# What a restricted bot may not send, by method: the right and the words of the 400.
_RIGHTS = {
    "sendMessage": ("can_send_messages", "text messages"),
    "sendPhoto": ("can_send_photos", "photos"),
}


@dataclass
class Fault:
    """A failure queued by ``fail_next`` (``remaining`` calls) or set on a chat by
    ``fail_chat`` (``remaining`` None: every call, until ``until`` or until cleared)."""

    method: str  # "*": any method
    kind: str
    remaining: int | None
    chat_id: int | str | None = None
    options: JSON = field(default_factory=dict)
    until: float | None = None  # time.monotonic() deadline

    def matches(self, method: str, chat_id: Any) -> bool:
        same_chat = self.chat_id is None or str(self.chat_id) == str(chat_id)
        return self.method.lower() in ("*", method.lower()) and same_chat

    def error(self, chat_id: Any) -> ApiError:
        """The error answer (for every kind but "slow" and "lost")."""
        opts, target = self.options, int(chat_id) if str(chat_id).lstrip("-").isdigit() else 0
        if self.kind == "429":
            seconds = int(opts.get("retry_after", 1))
            if self.until is not None:  # what is left of the chat's penalty, rounded up
                seconds = max(1, math.ceil(self.until - time.monotonic()))
            return ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)
        if self.kind == "403":
            error = forbidden(infer_chat_type(target) if target else "channel")
            return ApiError(403, opts.get("description", error.description))
        if self.kind == "400_migrate":
            new_id = opts.get("migrate_to_chat_id") or int(f"-100{abs(target)}")
            return bad_request(
                "group chat was upgraded to a supergroup chat", migrate_to_chat_id=new_id
            )
        if self.kind == "500":
            return ApiError(500, opts.get("description", "Internal Server Error"))
        if self.kind == "error":  # any answer "Making requests" allows: code, words, parameters
            parameters = {k: opts[k] for k in ("retry_after", "migrate_to_chat_id") if k in opts}
            return ApiError(int(opts["status"]), opts.get("description", ""), **parameters)
        return ApiError(400, opts.get("description", "Bad Request: failure injected by a test"))


class TelegramFaults(TelegramWorld):
    """Mixin: injected faults (queued or per chat), restricted rights, flood control."""

    flood: FloodControl | None

    def __init__(self, token: str, bot_username: str) -> None:
        super().__init__(token, bot_username)
        self._faults: list[Fault] = []
        self._chat_faults: dict[str, Fault] = {}  # str(chat_id) -> its standing fault
        self._closing = asyncio.Event()

    def fail_next(
        self,
        method: str,
        kind: str,
        times: int = 1,
        chat_id: int | str | None = None,
        **params: Any,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally for one chat id) fail.

        kind: "429" (retry_after=1), "403" (description=...), "400_migrate"
        (migrate_to_chat_id=...), "500", "400" (description=...), "slow" (delay=1.0:
        answer normally after that many seconds; the call takes effect even if the client
        gave up meanwhile), "lost" (hold=0.0: the call takes effect, then the connection is
        closed after that many seconds without an answer; PTB raises NetworkError, or TimedOut
        if its read timeout is shorter than ``hold``), "timeout" (hold=12.0: no answer for that
        long, longer than the client waits, and the call never takes effect: PTB's httpx read
        timeout raises TimedOut, its request/_httpxrequest.py) or "error" (status=, and
        description=, retry_after=, migrate_to_chat_id= as the Bot API's "Making requests" and
        ResponseParameters describe an error answer: any code, e.g. a 502 or 504 from the
        proxy in front of the Bot API, which PTB raises as NetworkError, its
        request/_baserequest.py). Served faults count in ``faults_served``.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}, expected one of {FAULT_KINDS}")
        self._faults.append(Fault(method, kind, times, chat_id, params))

    def fail_chat(
        self, chat_id: int | str, kind: str, *, seconds: float | None = None, **params: Any
    ) -> None:
        """Make every call to ``chat_id``, whatever the method, fail for ``seconds`` (None:
        until ``clear_faults``). A "429" needs ``seconds``: each answer's retry_after is what
        is left of them, rounded up, as flood control counts it. Other kinds as ``fail_next``
        ("500", "403", "400"...); a chat holds one such fault, the last set."""
        if kind not in FAULT_KINDS or kind in ("slow", "lost", "timeout", "error"):
            raise ValueError(f"a chat can't keep failing with {kind!r}")
        if kind == "429" and seconds is None:
            raise ValueError("a 429 lasts a number of seconds: give seconds=")
        until = None if seconds is None else time.monotonic() + seconds
        self._chat_faults[str(chat_id)] = Fault("*", kind, None, chat_id, params, until)

    def clear_faults(self, chat_id: int | str | None = None) -> None:
        """Forget the faults set or queued for ``chat_id`` (None: all of them)."""
        if chat_id is None:
            self._faults.clear()
            self._chat_faults.clear()
            return
        self._chat_faults.pop(str(chat_id), None)
        self._faults = [f for f in self._faults if str(f.chat_id) != str(chat_id)]

    def restrict(
        self, chat_id: int, can_send: bool = False, *, can_send_photos: bool | None = None
    ) -> None:
        """Take the bot's right to send text (and photos, unless ``can_send_photos`` says
        otherwise) in a group; ``restrict(chat_id, can_send=True)`` gives them back.

        Sends then get 400 "not enough rights to send text messages to the chat" (or
        "photos"). In a supergroup the bot becomes a restricted member (the Bot API's
        ChatMemberRestricted, "Supergroups only"; a my_chat_member update is queued, as for
        any change of the bot's status); in a basic group it is the chat's default
        permissions that change (setChatPermissions), as getChat's ``permissions`` show.
        """
        chat = self._ensure_chat(chat_id, None, None, None)
        if chat["type"] not in ("group", "supergroup"):
            raise ValueError(f"only groups restrict their members, not a {chat['type']}")
        photos = can_send if can_send_photos is None else can_send_photos
        rights = None
        if not (can_send and photos):
            rights = {"can_send_messages": can_send, "can_send_photos": photos}
        if chat["type"] == "group":
            self._rights.pop(chat_id, None)
            self._rights.update({chat_id: rights} if rights else {})
            return
        status = "restricted" if rights else "member"
        self._chat_member_update(chat_id, self._user(DEFAULT_USER_ID), status, rights)

    # -- checked before each call ----------------------------------------------------------------

    async def _before_call(self, method: str, params: JSON) -> Fault | None:
        """Injected faults first, then migrated groups, blocked/kicked bot, missing rights,
        flood control. Returns a "lost" fault, for the caller to apply the call and drop
        its answer."""
        chat_id = params.get("chat_id")
        fault = self._take_fault(method, chat_id)
        if fault is not None and fault.kind == "lost":
            return fault
        if fault is not None and fault.kind == "slow":
            await self._pause(float(fault.options.get("delay", 1)))
        elif fault is not None and fault.kind == "timeout":
            await self._pause(float(fault.options.get("hold", 12)))
            raise ApiError(504, "Gateway Timeout")  # nobody is left to read it
        elif fault is not None:
            raise fault.error(chat_id)
        if isinstance(chat_id, int):
            self._check_chat(method, chat_id)
        return None

    def _take_fault(self, method: str, chat_id: Any) -> Fault | None:
        """The queued fault for this call, else the chat's standing one (a dict lookup, so
        a fan-out to thousands of chats stays cheap); counted in ``faults_served``."""
        fault = next((f for f in self._faults if f.matches(method, chat_id)), None)
        if fault is not None and fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
        if fault is None and self._chat_faults:
            fault = self._chat_faults.get(str(chat_id))
            if fault is not None and fault.until is not None and time.monotonic() >= fault.until:
                del self._chat_faults[str(chat_id)]
                fault = None
        if fault is not None:
            self.faults_served[fault.kind] += 1
        return fault

    def _check_chat(self, method: str, chat_id: int) -> None:
        if chat_id in self._migrated:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self._migrated[chat_id],
            )
        status = self._bot_status.get(chat_id)
        if status in ("kicked", "left") and method.startswith(("send", "edit", "pin", "unpin")):
            raise forbidden(self._chats[chat_id]["type"], status)
        right, what = _RIGHTS.get(method, ("", ""))
        if right and not self._rights.get(chat_id, {}).get(right, True):
            raise bad_request(f"not enough rights to send {what} to the chat")
        if self.flood and method in ("sendMessage", "sendPhoto"):
            retry_after = self.flood.check(chat_id)
            if retry_after is not None:
                self.faults_served["429"] += 1
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
                )

    async def _pause(self, seconds: float) -> None:
        """Wait ``seconds``, or less if the server stops meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)
