"""Request bodies as Discord's REST API reads them, and the checks it makes on messages.

Limits from the developer docs ("Message Resource > Create Message"): content of
at most 2,000 characters, at most 10 embeds, and a message must carry content, a
file, an embed, components, a sticker or a poll (error 50006 otherwise). Components
("Interactions > Message Components", legacy layout): at most 5 action rows, each of at
most 5 buttons; a button's label at most 80 characters, its custom_id at most 100.
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
    check_components(payload.get("components") or [])
    flags = int(payload.get("flags") or 0)
    keys = ("embeds", "components", "sticker_ids", "poll")
    if creating and not (content or files or flags & LOADING or any(payload.get(k) for k in keys)):
        raise ApiError(400, 50006, "Cannot send an empty message")


def check_components(rows: list[JSON]) -> None:
    if len(rows) > 5:
        raise invalid_form(
            {"components": form_error("BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")}
        )
    for r, row in enumerate(rows):
        buttons = row.get("components") or []
        if len(buttons) > 5:
            raise invalid_form(
                {
                    f"components.{r}.components": form_error(
                        "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length."
                    )
                }
            )
        for b, button in enumerate(buttons):
            for key, most in (("label", 80), ("custom_id", 100)):
                if len(button.get(key) or "") > most:
                    raise invalid_form(
                        {
                            f"components.{r}.components.{b}.{key}": form_error(
                                "BASE_TYPE_MAX_LENGTH", f"Must be {most} or fewer in length."
                            )
                        }
                    )


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
