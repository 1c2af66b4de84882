"""Inline mode and the bot's profile texts on the fake Bot API.

Bot API, "Inline mode": a user types ``@bot query`` in any chat; the bot receives an
``inline_query`` update (InlineQuery: ``id``, ``from``, ``query`` "up to 256 characters",
``offset``, optional ``chat_type``), only if inline mode is enabled with @BotFather's
/setinline (getMe then says ``supports_inline_queries``). It answers with answerInlineQuery:
"No more than 50 results per query are allowed"; ``cache_time`` "defaults to 300";
``is_personal`` "Pass True if results may be cached on the server side only for the user
that sent the query". InlineQueryResultArticle: ``type`` "article", ``id`` "Unique
identifier for this result, 1-64 Bytes", ``title`` and ``input_message_content`` required,
``description`` optional; InputTextMessageContent: ``message_text`` "1-4096 characters after
entities parsing" with ``parse_mode``.

setMyDescription / setMyShortDescription: "0-512" / "0-120 characters. Pass an empty string
to remove the dedicated description for the given language"; ``language_code`` "A two-letter
ISO 639-1 language code. If empty, the description will be applied to all users for whose
language there is no dedicated description"; getMyDescription / getMyShortDescription return
BotDescription / BotShortDescription "for the given user language": here what a user of that
language sees, the dedicated text or else the one without a language.
"""

from __future__ import annotations

import re
import time

from .signal import Signal
from .telegram_checks import format_text
from .telegram_state import DEFAULT_USER_ID, JSON, ApiError, TelegramWorld, bad_request

QUERY_CHARS = 256
RESULTS = 50
RESULT_ID_BYTES = 64
DESCRIPTION_CHARS = {"description": 512, "short_description": 120}
_LANGUAGE = re.compile(r"(|[a-z]{2})")


class TelegramInline(TelegramWorld):
    """Inline queries users type and the answers the bot gave; the bot's descriptions."""

    def __init__(self, token: str, bot_username: str) -> None:
        super().__init__(token, bot_username)
        self.inline_mode = True  # as if /setinline was done with @BotFather
        self.inline_answers: dict[str, JSON] = {}  # inline query id -> the answer's params
        self.descriptions: dict[tuple[str, str], str] = {}  # (field, language) -> text
        self._open_inline: set[str] = set()
        self._answered = Signal()

    def user_types_inline(
        self,
        query: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        language_code: str | None = "en",
        chat_type: str = "group",
    ) -> str:
        """Queue the inline_query a user's typing sends; return its id (the key of
        ``inline_answers``)."""
        if not self.inline_mode:
            raise ValueError("inline mode is off: Telegram sends no inline queries")
        if len(query) > QUERY_CHARS:
            raise ValueError("Telegram clients send at most 256 characters")
        query_id = f"iq{user_id}{self._last_update_id + 1}"
        self._open_inline.add(query_id)
        user = self._user(user_id, language_code=language_code)
        self._queue(
            "inline_query",
            {"id": query_id, "from": user, "query": query, "offset": "", "chat_type": chat_type},
        )
        return query_id

    async def inline_answer(self, query_id: str, timeout: float = 10.0) -> JSON:
        """The bot's answer to an inline query, once it came; AssertionError after
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while query_id not in self.inline_answers:
            if time.monotonic() >= deadline:
                raise AssertionError(f"no answer to inline query {query_id} in {timeout}s")
            await self._answered.wait(deadline - time.monotonic())
        return self.inline_answers[query_id]

    async def api_answerInlineQuery(self, p: JSON) -> bool:
        if p.get("inline_query_id") not in self._open_inline:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        results = p.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [_check_article(result) for result in results]
        if len(set(ids)) != len(ids):
            raise bad_request("RESULT_ID_DUPLICATE")
        for name in ("cache_time", "is_personal"):
            if name in p and not isinstance(p[name], int):
                raise bad_request(f"can't parse {name}")
        self._open_inline.discard(p["inline_query_id"])
        self.inline_answers[p["inline_query_id"]] = {
            "results": results,
            "cache_time": p.get("cache_time", 300),
            "is_personal": bool(p.get("is_personal", False)),
        }
        self._answered.fire()
        return True

    async def api_setMyDescription(self, p: JSON) -> bool:
        return self._set_description("description", p)

    async def api_setMyShortDescription(self, p: JSON) -> bool:
        return self._set_description("short_description", p)

    async def api_getMyDescription(self, p: JSON) -> JSON:
        return {"description": self.description_shown("description", _language(p))}

    async def api_getMyShortDescription(self, p: JSON) -> JSON:
        return {"short_description": self.description_shown("short_description", _language(p))}

    def description_shown(self, name: str, language: str) -> str:
        """The ``name`` ("description" or "short_description") a user of ``language`` sees."""
        return self.descriptions.get((name, language), self.descriptions.get((name, ""), ""))

    def _set_description(self, name: str, p: JSON) -> bool:
        language = _language(p)
        text = str(p.get(name) or "")
        if len(text) > DESCRIPTION_CHARS[name]:
            raise bad_request(f"{name.upper()}_INVALID")
        if text:
            self.descriptions[(name, language)] = text
        else:
            self.descriptions.pop((name, language), None)
        return True


def _language(p: JSON) -> str:
    language = str(p.get("language_code") or "")
    if not _LANGUAGE.fullmatch(language):
        raise bad_request("LANG_CODE_INVALID")
    return language


def _check_article(result: JSON) -> str:
    """The id of a valid InlineQueryResultArticle with an InputTextMessageContent."""
    if not isinstance(result, dict) or result.get("type") != "article":
        raise bad_request("RESULT_TYPE_INVALID")
    ident = str(result.get("id") or "")
    if not 1 <= len(ident.encode()) <= RESULT_ID_BYTES:
        raise bad_request("RESULT_ID_INVALID")
    if not result.get("title"):
        raise bad_request("RESULT_TITLE_EMPTY")
    content = result.get("input_message_content")
    if not isinstance(content, dict) or "message_text" not in content:
        raise bad_request("MESSAGE_EMPTY")
    try:
        format_text(content["message_text"], content, "entities", 4096)
    except ApiError as error:
        raise bad_request(f"inline result {ident}: {error.description}") from None
    return ident
