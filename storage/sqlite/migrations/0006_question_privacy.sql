-- Who asked an answered question, so that only they can say whether it helped, and once:
-- a hash of the key their questions are known by, itself an HMAC under a secret that no
-- pledge key shares. It goes as soon as they answer, and a question in the moderators'
-- queue (fact IS NULL or helpful = 0) never has one.
ALTER TABLE fact_questions ADD COLUMN asker TEXT
    CHECK (asker IS NULL OR (fact IS NOT NULL AND helpful IS NULL));
CREATE INDEX fact_questions_asker ON fact_questions (asker) WHERE asker IS NOT NULL;
-- How many questions each member added to the moderators' queue on a day (UTC), to cap
-- them: under a hash of that same key and the day, never beside a question. A day's
-- counters go once it is over.
CREATE TABLE queued_counts (
    counter TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX queued_counts_day ON queued_counts (day);
