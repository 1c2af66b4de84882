-- Deliveries are claimed before they are sent, so that a worker (or another
-- process) never sends a row another one holds; a claim nobody renews expires.
-- A post split into several platform messages records each part once the
-- platform accepted it, so that a retry resumes at the first part not sent.
ALTER TABLE deliveries ADD COLUMN lease_until TEXT;
ALTER TABLE deliveries ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN message_id TEXT;
ALTER TABLE deliveries ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;

-- A finished announcement waits for its report, a milestone for its post:
-- both are written by the transaction that causes them and posted from there.
ALTER TABLE broadcasts ADD COLUMN reported_at TEXT;
UPDATE broadcasts SET reported_at = COALESCE(finished_at, created_at)
    WHERE kind = 'announcement' AND status != 'draft';
ALTER TABLE milestones ADD COLUMN announced_at TEXT;
UPDATE milestones SET announced_at = reached_at;

-- A chat where the bot lost a permission it needs is paused, not dropped:
-- it gets posts again once a moderator subscribes it again, or after a while.
ALTER TABLE subscriptions ADD COLUMN paused_at TEXT;
ALTER TABLE subscriptions ADD COLUMN pause_reason TEXT;

-- A chat's posts go one at a time, in order: a row is claimed once it is the
-- oldest pending one of its chat.
CREATE INDEX deliveries_of_chat ON deliveries (platform, chat_id, id) WHERE status = 'pending';
