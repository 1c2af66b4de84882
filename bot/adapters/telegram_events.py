"""Telegram updates turned into neutral events: pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from telegram import Chat, ChatMember, MaybeInaccessibleMessage, Message, Update

from bot.seam import ChatKind, ChatRef, Sender

PLATFORM = "telegram"
_KINDS = {
    Chat.PRIVATE: ChatKind.PRIVATE,
    Chat.GROUP: ChatKind.GROUP,
    Chat.SUPERGROUP: ChatKind.GROUP,
    Chat.CHANNEL: ChatKind.CHANNEL,
}
_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


def chat_ref(chat: Chat, topic: str = "") -> ChatRef:
    kind = _KINDS.get(chat.type, ChatKind.GROUP)
    # A private chat's id is the member's user id; its "title" would be their name.
    title = "" if kind is ChatKind.PRIVATE else chat.title or ""
    return ChatRef(PLATFORM, str(chat.id), kind, title, topic)


def topic_of(message: MaybeInaccessibleMessage) -> str:
    """The forum topic a message was written in, or "" for the chat's main thread.

    Bot API, Message: `message_thread_id` is also set on replies in groups that are not
    forums; only `is_topic_message` ("the message is sent to a forum topic") says it names
    a topic.
    """
    if isinstance(message, Message) and message.is_topic_message and message.message_thread_id:
        return str(message.message_thread_id)
    return ""


@dataclass(frozen=True, slots=True)
class TextEvent:
    chat: ChatRef
    sender: Sender
    text: str
    message_id: int | None
    callback_id: str | None = None

    @property
    def typed_in_group(self) -> bool:
        """A command typed in a group, which an answer there replies to."""
        return self.callback_id is None and self.chat.kind is ChatKind.GROUP


def text_event(update: Update) -> TextEvent | None:
    """A typed message, a channel post, or a pressed button; None for anything else."""
    if (query := update.callback_query) is not None:
        if query.message is None or query.data is None:
            return None
        sender = Sender(str(query.from_user.id), query.from_user.language_code)
        chat = chat_ref(query.message.chat, topic_of(query.message))
        return TextEvent(chat, sender, query.data, query.message.message_id, query.id)
    message = update.message or update.channel_post
    if message is None or message.text is None:
        return None
    chat = chat_ref(message.chat, topic_of(message))
    if message.from_user is not None:
        sender = Sender(str(message.from_user.id), message.from_user.language_code)
    else:  # a channel post: only the channel's admins can write there
        sender = Sender(str(message.chat.id), None, is_chat_admin=chat.kind is ChatKind.CHANNEL)
    return TextEvent(chat, sender, message.text, message.message_id)


class Membership(Enum):
    JOINED = "joined"
    LEFT = "left"


def membership_change(update: Update) -> tuple[ChatRef, Membership, str | None] | None:
    """The bot was added to a chat, or removed / blocked; with the actor's language."""
    change = update.my_chat_member
    if change is None:
        return None
    was = change.old_chat_member.status in _PRESENT
    now = change.new_chat_member.status in _PRESENT
    if was == now:
        return None
    state = Membership.JOINED if now else Membership.LEFT
    return chat_ref(change.chat), state, change.from_user.language_code


def migration(update: Update) -> tuple[ChatRef, str] | None:
    """(the group, its new chat id) when a group became a supergroup."""
    message = update.message
    if message is None or message.migrate_to_chat_id is None:
        return None
    return chat_ref(message.chat), str(message.migrate_to_chat_id)
