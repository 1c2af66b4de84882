"""Request bodies as Discord's REST API reads them, and the checks it makes on messages.

Limits from the developer docs ("Message Resource > Create Message"): content of
at most 2,000 characters, at most 10 embeds, and a message must carry content, a
file, an embed, components, a sticker or a poll (error 50006 otherwise). Components
("Components > Reference", legacy layout): at most 5 action rows, each of "up to 5
interactive buttons or a single select"; a button's label at most 80 characters, its
custom_id at most 100. A string select: custom_id at most 100, placeholder at most 150,
1 to 25 options whose label, value and description are at most 100 each, min_values 0 to
25 and max_values up to 25 (and no more than there are options).
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import BodyPartReader, web

from .discord_records import Upload
from .discord_state import JSON, LOADING, ApiError, form_error, invalid_form

SELECTS = (3, 5, 6, 7, 8)  # string, user, role, mentionable and channel selects
_BUTTON_LIMITS = {"label": 80, "custom_id": 100}
_SELECT_LIMITS = {"custom_id": 100, "placeholder": 150}
_OPTION_LIMITS = {"label": 100, "value": 100, "description": 100}


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
        raise invalid_form(_too_many("components", 5))
    for r, row in enumerate(rows):
        items, path = row.get("components") or [], f"components.{r}.components"
        selects = [item for item in items if item.get("type") in SELECTS]
        if selects and len(items) > 1:
            raise invalid_form(_too_many(path, 1))  # a select fills its row alone
        if len(items) > 5:
            raise invalid_form(_too_many(path, 5))
        for i, item in enumerate(items):
            limits = _SELECT_LIMITS if item.get("type") in SELECTS else _BUTTON_LIMITS
            _check_lengths(item, limits, f"{path}.{i}")
            if item.get("type") == 3:
                _check_options(item, f"{path}.{i}")


def _check_options(select: JSON, path: str) -> None:
    options = select.get("options") or []
    if not 1 <= len(options) <= 25:
        raise invalid_form(
            {f"{path}.options": form_error("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25.")}
        )
    for o, option in enumerate(options):
        _check_lengths(option, _OPTION_LIMITS, f"{path}.options.{o}")
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if not (0 <= low <= 25 and 1 <= high <= min(25, len(options)) and low <= high):
        raise invalid_form({f"{path}.max_values": form_error("BASE_TYPE_MAX", "Out of range.")})


def _check_lengths(item: JSON, limits: dict[str, int], path: str) -> None:
    for key, most in limits.items():
        if len(item.get(key) or "") > most:
            raise invalid_form(
                {
                    f"{path}.{key}": form_error(
                        "BASE_TYPE_MAX_LENGTH", f"Must be {most} or fewer in length."
                    )
                }
            )


def _too_many(path: str, most: int) -> JSON:
    return {path: form_error("BASE_TYPE_MAX_LENGTH", f"Must be {most} or fewer in length.")}


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
