"""Interactions posted to an Interactions Endpoint URL, as Discord does once one is set.

From https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint:
receiving interactions over the gateway or over HTTP is "mutually exclusive"; each request
carries ``X-Signature-Ed25519`` (the Ed25519 signature, in hexadecimal, of the
``X-Signature-Timestamp`` value followed by the body, under the application's key pair) and
``X-Signature-Timestamp``; a PING (``type: 1``) expects a 200 with ``{"type": 1}``; "Discord
will also perform automated, routine security checks against your endpoint, including
purposefully sending you invalid signatures", which must get 401. An interaction answered
through the callback endpoint gets "a 202 and no body"
(receiving-and-responding#interaction-callback).

Simplified: the answer to the POST is recorded (``http_answers``), not acted on; an inline
response body is not applied as a callback.
"""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp
from nacl.signing import SigningKey

JSON = dict[str, Any]


class InteractionsWebhook:
    """Mixin: the application's key pair, and the endpoint interactions go to once set."""

    def _init_http(self) -> None:
        self.signing_key = SigningKey.generate()
        self.interactions_url: str | None = None
        self.http_answers: dict[int, int] = {}  # interaction id -> HTTP status

    @property
    def public_key(self) -> str:
        """What the Developer Portal shows as the application's public key."""
        return self.signing_key.verify_key.encode().hex()

    def signed(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = self.signing_key.sign(stamp.encode() + body).signature.hex()
        return {
            "Content-Type": "application/json",
            "X-Signature-Ed25519": signature,
            "X-Signature-Timestamp": stamp,
        }

    async def post_to_endpoint(
        self, payload: JSON, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """POST ``payload`` to the endpoint, signed unless ``headers`` are given."""
        assert self.interactions_url is not None, "no Interactions Endpoint URL set"
        body = json.dumps(payload).encode()
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                self.interactions_url,
                data=body,
                headers=self.signed(body) if headers is None else headers,
            ) as r,
        ):
            return r.status, await r.read()

    async def ping(self) -> tuple[int, bytes]:
        """What Discord sends when the URL is saved in the Developer Portal."""
        return await self.post_to_endpoint({"id": "1", "type": 1, "token": "ping", "version": 1})
