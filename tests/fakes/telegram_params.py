"""Bot API request parameters as the server reads them.

"Making requests" in the Bot API documentation: parameters may come in the query
string, as application/x-www-form-urlencoded, as application/json or as
multipart/form-data (for uploads). Form values are strings, so JSON-serialised
fields (reply_markup, entities...) are decoded, and numbers and booleans converted.
"""

from __future__ import annotations

import json
import re

from aiohttp import web

from .telegram_state import JSON, Upload, bad_request

# Form fields arrive as strings: these are decoded back to JSON values, ints and bools.
_JSON_PARAMS = frozenset({
    "reply_markup", "allowed_updates", "commands", "scope", "entities", "caption_entities",
    "link_preview_options", "reply_parameters", "results",
})  # fmt: skip
_INT_PARAMS = frozenset({
    "chat_id", "message_id", "user_id", "offset", "limit", "timeout", "max_connections",
    "cache_time", "reply_to_message_id", "message_thread_id",
})  # fmt: skip
_BOOL_PARAMS = frozenset({
    "show_alert", "drop_pending_updates", "disable_notification", "protect_content",
    "is_personal",
})  # fmt: skip


async def read_params(request: web.Request) -> JSON:
    """Parameters from the query string and a JSON, urlencoded or multipart body."""
    params: JSON = dict(request.query)
    if request.method == "POST" and request.content_type == "application/json":
        params.update(await request.json())
    elif request.method == "POST" and request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[key] = Upload(value.filename, value.file.read())
            else:
                params[key] = value
    for key, value in params.items():
        if not isinstance(value, str):
            continue
        if key in _JSON_PARAMS:
            try:
                params[key] = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {key} JSON object") from None
        elif key in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
            params[key] = int(value)
        elif key in _BOOL_PARAMS:
            params[key] = value.lower() in ("true", "1")
    return params
