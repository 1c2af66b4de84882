"""Acting as Telegram users on the simulated world: messages, button presses, the bot
added, removed or blocked, groups migrated, administrators set (faults and restrictions are
in ``telegram_faults.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from .telegram_faults import TelegramFaults
from .telegram_state import DEFAULT_USER_ID, JSON, BotAction, utf16_len


class TelegramUsers(TelegramFaults):
    """What tests make Telegram users (and Telegram itself) do; each queues an update."""

    def user_sends(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        user_id: int | None = None,
        chat_type: str | None = None,
        language_code: str | None = "en",
        first_name: str | None = None,
        username: str | None = None,
        title: str | None = None,
        topic: int | None = None,
    ) -> JSON:
        """Queue a user's message (a channel_post in channels); return the Message.

        ``chat_id`` defaults to the user's private chat and ``user_id`` to that chat's id (or
        1001); ``chat_type`` is inferred from the id (``-100...`` supergroup, other negative
        ids group) unless given. Text starting with "/" gets a bot_command entity. ``topic``
        writes in that forum topic (its thread id): the supergroup becomes a forum
        (Chat.is_forum) and the message carries ``message_thread_id`` and
        ``is_topic_message`` (Bot API, Message).
        """
        user_id = user_id or (chat_id if chat_id and chat_id > 0 else DEFAULT_USER_ID)
        chat_id = chat_id or user_id
        user = self._user(
            user_id, first_name=first_name, username=username, language_code=language_code
        )
        chat = self._ensure_chat(chat_id, chat_type, title, user)
        if chat["type"] == "private" and self._bot_status.get(chat_id) == "kicked":
            self._chat_member_update(chat_id, user, "member")  # writing to a bot unblocks it
        command = text.split()[0] if text.startswith("/") else ""
        entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        content: JSON = {"text": text, "entities": entities if command else None}
        if topic is not None:
            chat["is_forum"] = True
            self._topics.setdefault(chat_id, set()).add(topic)
            content.update(message_thread_id=topic, is_topic_message=True)
        if chat["type"] == "channel":
            return self._queue("channel_post", self._new_message(chat_id, None, **content))
        self._members.setdefault(chat_id, set()).add(user_id)
        return self._queue("message", self._new_message(chat_id, user, **content))

    def user_deletes(self, chat_id: int, message_id: int) -> None:
        """A user deletes their message; bots get no update for it (the Bot API has none)."""
        del self._messages[(chat_id, message_id)]

    def topic_deleted(self, chat_id: int, topic: int) -> None:
        """An administrator deletes a forum topic "along with all its messages" (Bot API,
        deleteForumTopic); sending to it then gets "message thread not found"."""
        self._topics.get(chat_id, set()).discard(topic)
        for key, message in list(self._messages.items()):
            if key[0] == chat_id and message.get("message_thread_id") == topic:
                del self._messages[key]

    def press_button(
        self,
        message: BotAction | JSON,
        callback_data: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """Queue a callback_query on a bot message's button, as the message is stored now.

        Returns the CallbackQuery; its "id" is the key of ``callback_answers``.
        """
        if isinstance(message, BotAction):
            key = (message.chat_id, message.message_id or 0)
        else:
            key = (message["chat"]["id"], message["message_id"])
        stored = self._messages.get(key)
        if stored is None:
            raise ValueError(f"no message {key[1]} in chat {key[0]}")
        rows = stored.get("reply_markup", {}).get("inline_keyboard", [])
        data = [button.get("callback_data") for row in rows for button in row]
        if callback_data not in data:
            raise ValueError(f"message {key[1]} has no button {callback_data!r}, only {data}")
        user_id = user_id or (key[0] if key[0] > 0 else DEFAULT_USER_ID)
        query_id = f"{user_id}{self._last_update_id + 1}"
        self._open_callbacks.add(query_id)
        return self._queue(
            "callback_query",
            {
                "id": query_id,
                "from": self._user(user_id, language_code=language_code),
                "message": stored,
                "chat_instance": f"ci{abs(key[0])}",
                "data": callback_data,
            },
        )

    def bot_added_to(
        self,
        chat_id: int,
        chat_type: str | None = None,
        by_user_id: int = DEFAULT_USER_ID,
        *,
        as_admin: bool = False,
        title: str | None = None,
    ) -> JSON:
        """Queue my_chat_member for the bot joining a chat (as administrator in channels)."""
        chat = self._ensure_chat(chat_id, chat_type, title, None)
        status = "administrator" if as_admin or chat["type"] == "channel" else "member"
        return self._chat_member_update(chat_id, self._user(by_user_id), status)

    def bot_removed_from(self, chat_id: int, by_user_id: int = DEFAULT_USER_ID) -> JSON:
        """Queue my_chat_member for the bot's removal ("left" in groups, else "kicked").

        Later sends to the chat get 403 Forbidden.
        """
        chat = self._ensure_chat(chat_id, None, None, None)
        status = "left" if chat["type"] == "group" else "kicked"
        return self._chat_member_update(chat_id, self._user(by_user_id), status)

    def bot_blocked_by(self, user_id: int) -> JSON:
        """Queue my_chat_member (member -> kicked); sends get 403 until the user writes again."""
        self._ensure_chat(user_id, "private", None, self._user(user_id))
        return self._chat_member_update(user_id, self._user(user_id), "kicked")

    def group_migrated(
        self, old_chat_id: int, new_chat_id: int, by_user_id: int = DEFAULT_USER_ID
    ) -> JSON:
        """Queue a group's upgrade to a supergroup; return the old group's service message.

        As in Telegram two messages arrive: migrate_to_chat_id in the old group, then
        migrate_from_chat_id in the supergroup. Later calls with the old id get 400 with
        parameters.migrate_to_chat_id (PTB raises ChatMigrated).
        """
        old = self._ensure_chat(old_chat_id, "group", None, None)
        self._ensure_chat(new_chat_id, "supergroup", old.get("title"), None)
        self._bot_status[new_chat_id] = self._bot_status.get(old_chat_id, "member")
        user = self._user(by_user_id)
        to_new = self._new_message(old_chat_id, user, migrate_to_chat_id=new_chat_id)
        from_old = self._new_message(new_chat_id, user, migrate_from_chat_id=old_chat_id)
        message = self._queue("message", to_new)
        self._queue("message", from_old)
        self._migrated[old_chat_id] = new_chat_id
        return message

    def set_admins(
        self, chat_id: int, admin_ids: Iterable[int], *, creator_id: int | None = None
    ) -> None:
        """Who getChatMember / getChatAdministrators report as a chat's administrators."""
        self._ensure_chat(chat_id, None, None, None)
        self._admins[chat_id] = (creator_id, list(admin_ids))
