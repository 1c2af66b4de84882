-- A group subscribed from inside a forum topic gets its posts in that topic
-- (a Telegram message_thread_id); empty for the chat's main thread.
ALTER TABLE subscriptions ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN topic TEXT NOT NULL DEFAULT '';

-- Members and moderators count published announcements 1, 2, 3: a number given
-- when a draft is confirmed, never to a discarded draft nor to a tally post.
ALTER TABLE broadcasts ADD COLUMN number INTEGER;
UPDATE broadcasts SET number = (
    SELECT COUNT(*) FROM broadcasts b
    WHERE b.kind = 'announcement' AND b.status != 'draft'
      AND (b.status != 'cancelled' OR EXISTS (SELECT 1 FROM deliveries d WHERE d.broadcast_id = b.id))
      AND b.id <= broadcasts.id
) WHERE kind = 'announcement' AND status != 'draft'
    AND (status != 'cancelled' OR EXISTS (SELECT 1 FROM deliveries d WHERE d.broadcast_id = broadcasts.id));
CREATE UNIQUE INDEX broadcasts_number ON broadcasts (number) WHERE number IS NOT NULL;
