"""Sealing the reference to a member's private chat, kept only when they asked to be told.

The database then holds it encrypted (AES-GCM) under a key derived from the member
secret, which the database does not hold, and bound to the member's key: a copy of the
database alone does not say where any member can be written to, nor can a sealed
reference be moved to another member's row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


@dataclass(frozen=True, slots=True)
class PrivateChat:
    """Where and in which language to write to a member: their private chat's id is their
    user id on every platform."""

    platform: str
    user_id: str
    language: str


class Sealer:
    def __init__(self, secret: bytes) -> None:
        key = hmac.new(secret, b"purpose\nprivate chat seal", hashlib.sha256).digest()
        self._aead = AESGCM(key)

    def seal(self, member: str, chat: PrivateChat) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps([chat.platform, chat.user_id, chat.language]).encode()
        return nonce + self._aead.encrypt(nonce, plain, member.encode())

    def open(self, member: str, sealed: bytes) -> PrivateChat | None:
        """None when it was not sealed for this member under this secret."""
        try:
            plain = self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], member.encode())
        except InvalidTag:
            return None
        platform, user_id, language = json.loads(plain)
        return PrivateChat(platform, user_id, language)
