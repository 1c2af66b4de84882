"""What the pledge commands share: who the member is, what they pledge, how it reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.i18n import Raw, Translate, moment
from bot.parsing import fold
from bot.sealing import PrivateChat
from commands.base import Context, UserError
from storage.api.records import ALL_KINDS, Asker, Kind

# Bump when the text of `pledge.notice` changes: each pledge keeps the version accepted.
NOTICE_VERSION = 2
# The words button actions use (`action.kind_*`), so that a button press is a readable
# command line in the member's language.
KIND_WORDS = {Kind.CANCEL: "kind_cancel", Kind.APP: "kind_app", Kind.SWITCH: "kind_switch"}
KIND_LABELS = {Kind.CANCEL: "kind.cancel", Kind.APP: "kind.app", Kind.SWITCH: "kind.switch"}
_TYPED = {
    Kind.CANCEL: ("cancel", "resilier", "abonnement", "subscription"),
    Kind.APP: ("app", "appli", "application", "supprimer", "delete"),
    Kind.SWITCH: ("switch", "changer", "alternative", "assistant"),
    ALL_KINDS: ("tout", "tous", "all"),
}
_WORDS = {word: kinds for kinds, words in _TYPED.items() for word in words}
_ACCEPTED = re.compile(r"ok(\d+)")
# "if N others do", as a button writes it in either language (`action.if`)
_THRESHOLD = re.compile(r"(?:si|if)(\d+)")
_SEPARATORS = re.compile(r"[\s,+]+")

# A function that renders a locale key in some language, like `Context.t`.


@dataclass(frozen=True, slots=True)
class Choice:
    """What a `/pledge` line asks: kinds (possibly none) and the notice version accepted."""

    kinds: Kind
    accepted: int | None
    threshold: int | None = None


def parse_choice(args: str) -> Choice:
    kinds, accepted, threshold = Kind(0), None, None
    for word in filter(None, _SEPARATORS.split(fold(args))):
        if match := _ACCEPTED.fullmatch(word):
            accepted = int(match[1])
        elif match := _THRESHOLD.fullmatch(word):
            threshold = int(match[1])
        elif word in _WORDS:
            kinds |= _WORDS[word]
        else:
            raise UserError("pledge.unknown_word", word=word)
    return Choice(kinds, accepted, threshold)


def kinds_action(ctx: Context, kinds: Kind) -> str:
    """`cancel+app` or `resilier+appli`: the kinds as a button action writes them."""
    return "+".join(ctx.word(word) for kind, word in KIND_WORDS.items() if kind in kinds)


def kinds_text(t: Translate, kinds: Kind) -> Raw:
    """The kinds in words, from the catalogue: our own markup."""
    return Raw(", ".join(t(key) for kind, key in KIND_LABELS.items() if kind in kinds))


def member_of(ctx: Context) -> str:
    """The key the member is stored under: never their platform id itself."""
    return ctx.services.member_key(ctx.msg.platform, ctx.msg.sender.id)


def sealed_chat(ctx: Context) -> bytes:
    """The member's private chat (their user id on every platform) and language, sealed
    for their member key: kept only when they asked for a private message."""
    chat = PrivateChat(ctx.msg.platform, ctx.msg.sender.id, ctx.language)
    return ctx.services.sealer.seal(member_of(ctx), chat)


def asker_of(ctx: Context) -> Asker:
    """The key the member's questions to the fact base are known by: not their member key."""
    return Asker(ctx.services.asker_key(ctx.msg.platform, ctx.msg.sender.id))


def when(ctx: Context, stored: datetime) -> str:
    """A stored time, kept to the hour, as shown to the member."""
    return moment(ctx.t, ctx.language, stored, ctx.services.config.timezone)


def platform_name(platform: str) -> Raw:
    return Raw(platform.capitalize())
