-- An announcement planned ahead: a draft its moderator confirmed for `publish_at`,
-- published by the scheduler once due. `text_en`: the English text, for chats in
-- English (empty: they get the French one).
ALTER TABLE broadcasts ADD COLUMN publish_at TEXT;
ALTER TABLE broadcasts ADD COLUMN text_en TEXT NOT NULL DEFAULT '';
CREATE INDEX broadcasts_scheduled ON broadcasts (publish_at)
    WHERE status = 'draft' AND publish_at IS NOT NULL;
