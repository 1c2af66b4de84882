-- Chats that receive tally posts and moderator announcements.
-- `pinned` is the chat's choice to keep one tally message edited in place;
-- `tally_message_id` is that message once it exists.
CREATE TABLE subscriptions (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    chat_kind TEXT NOT NULL CHECK (chat_kind IN ('private', 'group', 'channel')),
    language TEXT NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    tally_message_id TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id)
);

-- Everything the bot says on its own initiative: a moderator's announcement
-- (starting as a draft until confirmed), a tally post, a milestone, a report.
CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('announcement', 'tally', 'milestone', 'report')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'sending', 'done', 'cancelled')),
    text TEXT NOT NULL DEFAULT '',
    content_hash TEXT,
    author_platform TEXT,
    author_id TEXT,
    origin_chat_id TEXT,
    origin_chat_kind TEXT,
    origin_language TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX broadcasts_recent ON broadcasts (kind, created_at);

-- One row per destination, written in the same transaction as its broadcast
-- leaves the draft state; each is marked in its own commit once handled.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    chat_kind TEXT NOT NULL,
    text TEXT NOT NULL,
    edit_pinned INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'failed', 'unsubscribed', 'cancelled')),
    not_before TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    handled_at TEXT
);
CREATE INDEX deliveries_due ON deliveries (platform, not_before, id) WHERE status = 'pending';
CREATE INDEX deliveries_of_broadcast ON deliveries (broadcast_id, status);

-- Who did what among moderator actions and refusals.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    platform TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
