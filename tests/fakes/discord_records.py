"""What the bot did on the simulated Discord, as the fake keeps it: uploads, REST calls,
messages, interaction responses, and the faults tests inject."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from .discord_state import (
    EPHEMERAL,
    JSON,
    LOADING,
    FakeUser,
    iso_now,
    snowflake,
    snowflake_time,
)


@dataclass
class Upload:
    filename: str
    content_type: str | None
    data: bytes
    id: int = 0  # the attachment id, once stored on a message


@dataclass
class ApiCall:
    """One REST request: ``json`` is the JSON body or the multipart ``payload_json``."""

    method: str
    path: str
    json: Any
    query: dict[str, str]
    files: list[Upload] = field(default_factory=list)
    status: int = 0
    lost: bool = False  # the answer was dropped (fault "lost")


@dataclass(repr=False)
class BotMessage:
    """A message in a channel: the bot's, unless ``author`` says otherwise."""

    id: int
    channel_id: int
    guild_id: int | None
    author: FakeUser
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: JSON | None = None
    attachments: list[Upload] = field(default_factory=list)
    interaction_id: int | None = None
    message_type: int = 0
    webhook_id: int | None = None
    pinned: bool = False
    deleted: bool = False
    edited_at: str | None = None
    created_at: str = field(default_factory=iso_now)
    edits: list[JSON] = field(default_factory=list)
    request: JSON = field(default_factory=dict)
    nonce: int | str | None = None  # as sent; echoed in the answer and MESSAGE_CREATE

    def __repr__(self) -> str:
        extra = "".join(
            f" {k}" for k in ("ephemeral", "loading", "pinned", "deleted") if getattr(self, k)
        )
        return (
            f"<BotMessage {self.id} in {self.channel_id} by {self.author.name}{extra}: "
            f"{self.content!r} embeds={len(self.embeds)} ids={self.custom_ids()}>"
        )

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in walk_components(self.components) if "custom_id" in c]

    def apply(self, payload: JSON, files: list[Upload] | None = None) -> None:
        """Apply a create/edit payload (only the keys present change)."""
        if "content" in payload:
            self.content = payload["content"] or ""
        for key in ("embeds", "components"):
            if key in payload:
                setattr(self, key, payload[key] or [])
        if "allowed_mentions" in payload:
            self.allowed_mentions = payload["allowed_mentions"]
        if payload.get("flags") is not None:
            keep = self.flags & (EPHEMERAL | LOADING)
            self.flags = int(payload["flags"]) | keep
        if "attachments" in payload:  # on edits: the existing attachments to keep
            kept = {str(a.get("id")) for a in payload["attachments"] or []}
            self.attachments = [a for a in self.attachments if str(a.id) in kept]
        for upload in files or []:
            self.attachments.append(
                Upload(upload.filename, upload.content_type, upload.data, snowflake())
            )

    def json(self) -> JSON:
        data: JSON = {
            "id": str(self.id), "channel_id": str(self.channel_id), "author": self.author.json(),
            "content": self.content, "timestamp": self.created_at,
            "edited_timestamp": self.edited_at, "tts": False, "mention_everyone": False,
            "mentions": [], "mention_roles": [],
            "attachments": [
                {
                    "id": str(a.id),
                    "filename": a.filename,
                    "size": len(a.data),
                    "url": f"https://cdn.discordapp.com/attachments/{self.channel_id}/{a.filename}",
                    "proxy_url": f"https://media.discordapp.net/attachments/{a.filename}",
                    "content_type": a.content_type,
                }
                for a in self.attachments
            ], "embeds": self.embeds, "components": self.components, "pinned": self.pinned,
            "type": self.message_type, "flags": self.flags, "reactions": [],
        }  # fmt: skip
        if self.webhook_id is not None:
            data["webhook_id"] = data["application_id"] = str(self.webhook_id)
        if self.nonce is not None:
            data["nonce"] = self.nonce
        return data


def walk_components(components: list[JSON]) -> list[JSON]:
    """Every component, depth first (action rows, containers, sections' accessories)."""
    found: list[JSON] = []
    for component in components or []:
        found.append(component)
        found += walk_components(component.get("components", []))
        if isinstance(component.get("accessory"), dict):
            found += walk_components([component["accessory"]])
    return found


@dataclass(repr=False)
class Reply:
    """Something the bot did in answer to one interaction."""

    kind: str  # callback | followup | edit_original | edit_followup | delete_original | ...
    type: int | None  # the callback type (4, 5, 6, 7, 8, 9) for ``callback``
    data: JSON  # what the bot sent: callback ``data``, follow-up or edit payload
    message: BotMessage | None = None
    files: list[Upload] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<Reply {self.kind} type={self.type} data={self.data!r} message={self.message!r}>"

    @property
    def flags(self) -> int:
        if self.message is not None:
            return self.message.flags
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def content(self) -> str | None:
        if "content" in self.data:
            return self.data["content"]
        return self.message.content if self.message else None


@dataclass(repr=False)
class FakeInteraction:
    id: int
    token: str
    type: int
    channel_id: int
    guild_id: int | None
    user: FakeUser
    payload: JSON
    message: BotMessage | None = None  # component interactions: the clicked message
    callback_type: int | None = None
    original: BotMessage | None = None  # the response message (types 4, 5, 7)
    replies: list[Reply] = field(default_factory=list)
    followups: dict[int, BotMessage] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<FakeInteraction {self.id} type={self.type} replies={self.replies!r}>"

    @property
    def age(self) -> float:
        """Seconds since Discord created it, read from its id as Discord does."""
        return time.time() - snowflake_time(self.id)


@dataclass
class Fault:
    """A failure queued by ``fail_next`` (``times`` requests) or standing on a channel
    (``times`` None: every request, until ``until`` or until cleared)."""

    method: str
    path: re.Pattern[str]
    kind: str
    times: int | None
    until: float | None = None  # time.monotonic() deadline
    options: dict[str, Any] = field(default_factory=dict)  # see ``fail_next``
