"""Telegram inline mode: an inline query turned into a neutral request, cards rendered as
InlineQueryResultArticle (Bot API, "Inline mode")."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import (
    Bot,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import InlineQueryLimit, InlineQueryResultLimit, ParseMode

from bot.adapters.telegram_render import html_chunks
from bot.seam import Card, Sender

# The counter changes with every pledge: Telegram may keep an answer this long (the Bot API's
# default is 300 s).
CACHE_SECONDS = 10


@dataclass(frozen=True, slots=True)
class InlineRequest:
    query_id: str
    sender: Sender
    text: str


def inline_request(update: Update) -> InlineRequest | None:
    """What a member typed after the bot's name in any chat, with their language."""
    query = update.inline_query
    if query is None:
        return None
    sender = Sender(str(query.from_user.id), query.from_user.language_code)
    return InlineRequest(query.id, sender, query.query)


def card_result(card: Card) -> InlineQueryResultArticle | None:
    """A card as an article whose message is the card's text; None if its id cannot be one
    (Bot API, InlineQueryResultArticle: id of 1-64 bytes)."""
    if not 0 < len(card.id.encode()) <= InlineQueryResultLimit.MAX_ID_LENGTH:
        return None
    [text, *_] = html_chunks(card.text)  # a card that would need two messages is cut
    content = InputTextMessageContent(
        text, parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    return InlineQueryResultArticle(
        card.id, card.title, content, description=card.description or None
    )


async def answer_inline(bot: Bot, request: InlineRequest, cards: list[Card]) -> None:
    """Answer with at most 50 results (Bot API, answerInlineQuery), personal because they
    are in the member's language."""
    results = [r for r in map(card_result, cards) if r is not None]
    await bot.answer_inline_query(
        request.query_id,
        results[: InlineQueryLimit.RESULTS],
        cache_time=CACHE_SECONDS,
        is_personal=True,
    )
