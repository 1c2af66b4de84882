"""The neutral types that cross between adapters and the core.

No platform object ever crosses this seam: adapters turn platform events into a
`Message` and render each `Reply` for their platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class ChatRef:
    """Where a message came from, or where a post goes.

    A private chat's `id` is the member's user id on every platform, so that
    what is kept about a member's private chat is found from who they are.
    `title` is a group's or channel's name as the platform gives it (never a
    member's name: empty for private chats); `topic` is the thread inside the chat
    where a message was written and where answers and posts go (a Telegram forum
    topic), empty for the chat's main thread. Neither is part of the identity.
    """

    platform: str
    id: str
    kind: ChatKind
    title: str = field(default="", compare=False)
    topic: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Sender:
    """Who sent a message, as the platform describes them in this chat.

    `id` is the platform's user id, never stored as is. `is_chat_admin` says the
    member manages *this* chat; `roles` are `community:role` ids the member holds
    where the message was sent (a Discord guild's roles). Neither makes anyone a
    campaign moderator: the dispatcher decides that from the configuration.
    """

    id: str
    language: str | None = None
    is_chat_admin: bool = False
    roles: frozenset[str] = frozenset()


class Capability(StrEnum):
    """Something the bot may need to do in a chat, that the platform may not let it do."""

    SEE = "see"  # see the chat at all
    POST = "post"  # post messages in it
    PIN = "pin"  # pin its own messages there


@dataclass(frozen=True, slots=True)
class Message:
    """One member action: a typed line or a pressed button, already parsed.

    `is_moderator` is decided by the dispatcher from the configuration alone.
    `bot_lacks` is what the platform says the bot may not do in this chat, when it
    says (Discord does with every interaction; elsewhere it stays empty).
    """

    chat: ChatRef
    sender: Sender
    text: str
    command: str | None = None
    args: str = ""
    from_button: bool = False
    is_moderator: bool = False
    bot_lacks: frozenset[Capability] = frozenset()

    @property
    def platform(self) -> str:
        return self.chat.platform


@dataclass(frozen=True, slots=True)
class Button:
    """A button that either sends `action` back as a command line or opens `url`."""

    label: str
    action: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Image:
    png: bytes
    alt: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot answers.

    `text` is in the small markup of `bot.markup`; `private` asks the platform to
    show it to the member only (Discord ephemeral); `edit` asks to replace the
    message whose button was pressed instead of sending a new one; `link_previews=False`
    asks the platform not to unfold the links of a list into previews.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default=())
    image: Image | None = None
    private: bool = False
    edit: bool = False
    link_previews: bool = True


@dataclass(frozen=True, slots=True)
class Card:
    """A message a member may pick to post in any chat (Telegram inline mode).

    `title` and `description` (plain text) show in the list the member picks from; `text`
    (markup) is what is posted. `id` names the card among one answer's cards.
    """

    id: str
    title: str
    description: str
    text: str


class PlatformUnavailable(Exception):
    """A platform could not be reached, or refused the bot, when it started: the message
    says which and why, in one line."""
