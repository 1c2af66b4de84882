-- A group's or channel's name as its platform gives it, so that moderators
-- read which chat was dropped without any id being kept; never set for
-- private chats (it would be a member's name).
ALTER TABLE subscriptions ADD COLUMN title TEXT NOT NULL DEFAULT '';
-- Private chats were kept by their Discord channel id: they are now kept by
-- the member's user id, which the old rows do not hold, so those members
-- subscribe again. Rows already handled forget which private chat they went to.
DELETE FROM subscriptions WHERE platform = 'discord' AND chat_kind = 'private';
UPDATE deliveries SET chat_id = '' WHERE chat_kind = 'private' AND status != 'pending';
-- Moderator actions were kept with platform ids: they are kept by pseudonym now.
UPDATE broadcasts SET origin_chat_id = NULL, author_id = NULL WHERE status != 'draft';
DELETE FROM broadcasts WHERE status = 'draft';
UPDATE audit_log SET actor = 'unknown' WHERE actor NOT IN ('bot') AND length(actor) != 32;
UPDATE audit_log SET detail = '' WHERE action = 'unsubscribed';
