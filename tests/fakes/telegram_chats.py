"""The fake Bot API's chats as the bot asks about them: getChat, getChatMember,
getChatAdministrators and leaveChat (core.telegram.org/bots/api, "Available methods").

getChat returns a ChatFullInfo: its `permissions` for groups, its `pinned_message`, and the
fields Telegram always sends (`accent_color_id`, `max_reaction_count`,
`accepted_gift_types`); a private chat has no administrators ("Bad Request: there are no
administrators in the private chat"); a bot cannot leave a private chat, nor one it already
left or was kicked from (403).
"""

from __future__ import annotations

from .telegram_state import JSON, TelegramWorld, bad_request, forbidden, member_json

_GIFT_TYPES = (
    "unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
    "gifts_from_channels",
)  # fmt: skip


class TelegramChats(TelegramWorld):
    _pinned: dict[int, int]  # chat id -> its pinned message, kept by pinChatMessage

    async def api_getChat(self, p: JSON) -> JSON:
        chat_id = self._chat_id(p, create=False)
        info = {**self._chats[chat_id], "accent_color_id": 0, "max_reaction_count": 11}
        info["accepted_gift_types"] = dict.fromkeys(_GIFT_TYPES, False)
        if info["type"] in ("group", "supergroup"):  # a basic group restricts all its members
            rights = self._rights.get(chat_id) if info["type"] == "group" else None
            info["permissions"] = rights or {"can_send_messages": True}
        if (chat_id, self._pinned.get(chat_id)) in self._messages:
            info["pinned_message"] = self._messages[(chat_id, self._pinned[chat_id])]
        return info

    async def api_getChatMember(self, p: JSON) -> JSON:
        return self._member(self._chat_id(p), p.get("user_id", 0))

    async def api_getChatAdministrators(self, p: JSON) -> list[JSON]:
        chat_id = self._chat_id(p)
        if self._chats[chat_id]["type"] == "private":
            raise bad_request("there are no administrators in the private chat")
        creator, admins = self._admins.get(chat_id, (None, []))
        ids = [creator, *admins] if creator else list(admins)
        if self._bot_status.get(chat_id) == "administrator":
            ids.append(self.bot_user["id"])
        return [self._member(chat_id, user_id) for user_id in ids]

    async def api_leaveChat(self, p: JSON) -> bool:
        chat_id = self._chat_id(p)
        chat, status = self._chats[chat_id], self._bot_status.get(chat_id, "member")
        if chat["type"] == "private":
            raise bad_request("chat member status can't be changed in private chats")
        if status in ("left", "kicked"):
            raise forbidden(chat["type"], status)
        self._chat_member_update(chat_id, self.bot_user, "left")
        return True

    def _chat_id(self, p: JSON, *, create: bool = True) -> int:
        """The numeric target chat; unknown chats are created if ``create``."""
        chat_id = p.get("chat_id")
        if chat_id in (None, ""):
            raise bad_request("chat_id is empty")
        if not isinstance(chat_id, int) or not (create or chat_id in self._chats):
            raise bad_request("chat not found")
        self._ensure_chat(chat_id, None, None, None)
        return chat_id

    def _member(self, chat_id: int, user_id: int) -> JSON:
        if user_id == self.bot_user["id"]:
            status = self._bot_status.get(chat_id, "member")
            return member_json(self.bot_user, status, self._rights.get(chat_id))
        creator, admins = self._admins.get(chat_id, (None, []))
        status = "member" if user_id in self._members.get(chat_id, {chat_id}) else "left"
        if user_id == creator or user_id in admins:
            status = "creator" if user_id == creator else "administrator"
        return member_json(self._user(user_id), status)
