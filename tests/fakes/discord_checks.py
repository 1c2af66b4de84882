"""Request bodies as Discord's REST API reads them, and the checks it makes on messages.

Limits from the developer docs ("Message Resource > Create Message"): content of
at most 2,000 characters, at most 10 embeds, and a message must carry content, a
file, an embed, components, a sticker or a poll (error 50006 otherwise).
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import BodyPartReader, web

from .discord_records import Upload
from .discord_state import JSON, LOADING, ApiError, form_error, invalid_form


def check_message(payload: JSON, files: list[Upload], *, creating: bool) -> None:
    content = payload.get("content") or ""
    if len(content) > 2000:
        raise invalid_form(
            {"content": form_error("BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")}
        )
    if len(payload.get("embeds") or []) > 10:
        raise invalid_form(
            {"embeds": form_error("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")}
        )
    flags = int(payload.get("flags") or 0)
    keys = ("embeds", "components", "sticker_ids", "poll")
    if creating and not (content or files or flags & LOADING or any(payload.get(k) for k in keys)):
        raise ApiError(400, 50006, "Cannot send an empty message")


async def read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    if not request.body_exists:
        return None, []
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: list[Upload] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            elif part.filename is not None:
                data = bytes(await part.read())
                files.append(Upload(part.filename, part.headers.get("Content-Type"), data))
        return body, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), []
