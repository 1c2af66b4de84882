"""Failures the fake Discord's REST API can answer with, as Discord and its CDN send them,
and the mixin that injects them and keeps the per-channel message bucket.

Errors are ``{"code", "message"}`` JSON with the codes of the developer docs ("Opcodes and
Status Codes > JSON Error Codes"); a 502 comes as Cloudflare's HTML page. A 429 from Discord
carries ``Via``, ``Retry-After`` (seconds) and the X-RateLimit-* headers, and its body says
``retry_after`` in seconds and whether it is ``global`` ("Rate Limits > Exceeding A Rate
Limit"); one from Cloudflare ("Rate Limits > Invalid Request Limit") is an HTML page with
Retry-After and no ``Via``, which discord.py raises as an HTTPException instead of waiting
(its http.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .discord_records import Fault
from .discord_state import JSON, ApiError

FAULTS: dict[str, tuple[int, JSON | str]] = {
    "500": (500, {"message": "500: Internal Server Error", "code": 0}),
    "502": (502, "<html><head><title>502 Bad Gateway</title></head></html>"),
    "503": (503, {"message": "upstream connect error", "code": 0}),
    # Cloudflare's gateway time-outs, which discord.py retries like 500 and 502 (its http.py).
    "504": (504, "<html><head><title>504 Gateway Time-out</title></head></html>"),
    "524": (524, "<html><head><title>524: A timeout occurred</title></head></html>"),
    "400": (400, {"message": "Invalid Form Body", "code": 50035, "errors": {}}),
    "401": (401, {"message": "401: Unauthorized", "code": 0}),
    "403_permissions": (403, {"message": "Missing Permissions", "code": 50013}),
    "403_access": (403, {"message": "Missing Access", "code": 50001}),
    "403_dm": (403, {"message": "Cannot send messages to this user", "code": 50007}),
    "404_channel": (404, {"message": "Unknown Channel", "code": 10003}),
    "404_message": (404, {"message": "Unknown Message", "code": 10008}),
    "404_interaction": (404, {"message": "Unknown interaction", "code": 10062}),
}  # fmt: skip
RATE_LIMITS = ("429", "429_global", "429_cloudflare")
# Not answers but ways of answering: see ``FakeDiscord.fail_next``.
DELAYS = ("lost", "slow", "timeout")
KINDS = (*RATE_LIMITS, *FAULTS, *DELAYS)
BUCKET_HASH = "7e1b3c5a9d2f4e6b8a0c2e4f6a8b0d1c"  # POST /channels/{id}/messages
_CHANNEL = re.compile(r"^/channels/(\d+)")


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


class RateLimited(ApiError):
    """A 429 from Discord itself: ``retry_after`` seconds, in the headers and the body."""

    def __init__(
        self,
        retry_after: float,
        *,
        is_global: bool = False,
        limit: int = 5,
        bucket: str = "",
        code: int | None = None,
    ) -> None:
        super().__init__(429, 0, "You are being rate limited.")
        self.headers = {
            "Via": "1.1 google", "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Scope": "global" if is_global else "user",
        }  # fmt: skip
        if is_global:
            self.headers["X-RateLimit-Global"] = "true"
        if bucket:
            self.headers["X-RateLimit-Bucket"] = bucket
        self.payload = {
            "message": self.message,
            "retry_after": round(retry_after, 3),
            "global": is_global,
        }
        if code is not None:  # "some rate limits carry an error code" (e.g. 20028)
            self.payload["code"] = code

    def response(self) -> web.Response:
        return json_response(429, self.payload, self.headers)


def fault_response(
    kind: str, retry_after: float = 0.3, options: dict[str, Any] | None = None
) -> web.Response:
    options = options or {}
    if kind == "429_cloudflare":  # Retry-After when the ban says how long, else nothing
        after = options.get("retry_after", 1)
        return web.Response(
            status=429,
            text="<html><body>error code: 1015</body></html>",
            content_type="text/html",
            headers={} if after is None else {"Retry-After": str(math.ceil(after))},
        )
    if kind in RATE_LIMITS:
        return RateLimited(
            float(options.get("retry_after", retry_after)),
            is_global=kind == "429_global",
            code=options.get("code"),
        ).response()
    status, body = FAULTS[kind]
    if isinstance(body, str):
        return web.Response(status=status, text=body, content_type="text/html")
    return json_response(status, body)


class Faults:
    """Mixin of the REST side: queued faults, standing per-channel faults, the bucket."""

    if TYPE_CHECKING:
        limit_per_channel: int | None
        per_seconds: float

    def _init_faults(self) -> None:
        self.rate_limited = 0  # 429s served, injected or not
        self._faults: list[Fault] = []
        self._channel_faults: dict[int, Fault] = {}
        self._windows: dict[int, list[float]] = {}  # channel -> [window start, count]
        self._stopping = asyncio.Event()

    async def _hold(self, seconds: float) -> None:
        """Keep a request waiting ``seconds``, or less if the server stops meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def fail_channel(self, channel_id: int, kind: str, *, seconds: float | None = None) -> None:
        """Make every request under ``/channels/{channel_id}`` fail for ``seconds`` (None:
        until ``clear_faults``), in one dict lookup per request. A ``"429"`` needs
        ``seconds``; each answer's ``retry_after`` (and Retry-After, rounded up) is what is
        left of them, so discord.py waits and retries until they are over. ``"500"`` and the
        other kinds of ``fail_next`` (but ``"lost"``) answer the same way each time."""
        if kind not in KINDS or kind in DELAYS:
            raise ValueError(f"a channel can't keep failing with {kind!r}")
        if kind.startswith("429") and seconds is None:
            raise ValueError("a 429 lasts a number of seconds: give seconds=")
        until = None if seconds is None else time.monotonic() + seconds
        self._channel_faults[channel_id] = Fault("*", _CHANNEL, kind, None, until)

    def clear_faults(self, channel_id: int | None = None) -> None:
        """Forget the standing fault of ``channel_id`` (None: every fault, queued ones too)."""
        if channel_id is None:
            self._faults.clear()
            self._channel_faults.clear()
        else:
            self._channel_faults.pop(channel_id, None)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        """The queued fault for this request, else its channel's standing one."""
        for fault in self._faults:
            if fault.method in ("*", method) and fault.path.search(path):
                fault.times = None if fault.times is None else fault.times - 1
                if fault.times is not None and fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        channel = _CHANNEL.match(path) if self._channel_faults else None
        if channel is None:
            return None
        standing = self._channel_faults.get(int(channel[1]))
        if standing is None or standing.until is None or time.monotonic() < standing.until:
            return standing
        del self._channel_faults[int(channel[1])]
        return None

    def _fault_response(self, fault: Fault) -> web.Response:
        if fault.kind.startswith("429"):
            self.rate_limited += 1
        if fault.until is not None:
            return fault_response(fault.kind, max(0.0, fault.until - time.monotonic()))
        return fault_response(fault.kind, options=fault.options)

    def _take_token(self, channel_id: int) -> dict[str, str]:
        """The per-channel message bucket: a fixed window of ``limit`` sends.

        Enforced (429) only when ``limit_per_channel`` is set; otherwise the headers
        describe a roomy 50-per-second bucket so discord.py never waits on it."""
        limit = self.limit_per_channel or 50
        span = self.per_seconds if self.limit_per_channel else 1.0
        now = time.monotonic()
        window = self._windows.setdefault(channel_id, [now, 0])
        if now >= window[0] + span:
            window[:] = [now, 0]
        reset_after = window[0] + span - now
        if window[1] >= limit and self.limit_per_channel:
            self.rate_limited += 1
            raise RateLimited(reset_after, limit=limit, bucket=BUCKET_HASH)
        window[1] += 1
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - int(window[1]))),
            "X-RateLimit-Bucket": BUCKET_HASH,
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        }
