"""Failures the fake Discord's REST API can answer with, as Discord and its CDN send them.

Errors are ``{"code", "message"}`` JSON with the codes of the developer docs ("Opcodes and
Status Codes > JSON Error Codes"); a 502 comes as Cloudflare's HTML page. A 429 from Discord
carries ``Via`` and the X-RateLimit-* headers ("Rate Limits"); one from Cloudflare ("Rate
Limits > Invalid Request Limit") is an HTML page with Retry-After and no ``Via``, which
discord.py raises as an HTTPException instead of waiting (its http.py).
"""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web

from .discord_state import JSON

FAULTS: dict[str, tuple[int, JSON | str]] = {
    "500": (500, {"message": "500: Internal Server Error", "code": 0}),
    "502": (502, "<html><head><title>502 Bad Gateway</title></head></html>"),
    "503": (503, {"message": "upstream connect error", "code": 0}),
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
KINDS = (*RATE_LIMITS, *FAULTS)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def fault_response(kind: str) -> web.Response:
    if kind == "429_cloudflare":
        return web.Response(
            status=429,
            text="<html><body>error code: 1015</body></html>",
            content_type="text/html",
            headers={"Retry-After": "1"},
        )
    if kind in RATE_LIMITS:
        is_global = kind == "429_global"
        headers = {
            "Via": "1.1 google", "Retry-After": "1", "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "0.300",
            "X-RateLimit-Reset": f"{time.time() + 0.3:.3f}",
            "X-RateLimit-Scope": "global" if is_global else "user",
        }  # fmt: skip
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        limited = {
            "message": "You are being rate limited.",
            "retry_after": 0.3,
            "global": is_global,
        }
        return json_response(429, limited, headers)
    status, body = FAULTS[kind]
    if isinstance(body, str):
        return web.Response(status=status, text=body, content_type="text/html")
    return json_response(status, body)
