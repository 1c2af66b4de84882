"""An announcement's texts: French first, then English for chats in English after `[en]`;
and how chats will read them."""

from __future__ import annotations

import hashlib
import re

from bot.delivery.outbox import announcement_markup
from bot.parsing import fold, parse_id
from commands.base import Context, UserError

# The English text follows the mark `[en]`; the French one comes first.
ENGLISH_MARK = re.compile(r"\[en\]", re.IGNORECASE)


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(fold(text).split()).encode()).hexdigest()


def by_language(text: str) -> tuple[str, str]:
    """The French text and the English one (empty when not given)."""
    parts = ENGLISH_MARK.split(text, maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def bodies(ctx: Context, french: str, english: str) -> str:
    """The announcement as chats will read it: in French, then in English if given."""
    catalogues = ctx.services.catalogues
    body = announcement_markup(catalogues, "fr" if english else ctx.language, french)
    if english:
        body += "\n\n" + announcement_markup(catalogues, "en", english)
    return body


def number_in(ref: str, usage: str) -> int:
    """The announcement number a subcommand names; the locale string `usage` if none."""
    ident = parse_id(ref)
    if ident is None:
        raise UserError(usage)
    return ident
