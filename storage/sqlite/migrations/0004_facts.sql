-- Questions members put to the fact base, as text only: never who asked.
-- A question answered with a fact is kept a day, so that the member's "did
-- this help?" button can find it; one that found nothing (fact IS NULL) or
-- whose answer did not help (helpful = 0) stays for the moderators' queue.
CREATE TABLE fact_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    -- the question folded (case, accents, punctuation), so variants count together
    folded TEXT NOT NULL,
    fact TEXT,
    asked_at TEXT NOT NULL,
    helpful INTEGER CHECK (helpful IN (0, 1))
);
CREATE INDEX fact_questions_queue ON fact_questions (folded) WHERE fact IS NULL OR helpful = 0;
CREATE INDEX fact_questions_asked_at ON fact_questions (asked_at);
-- the answered questions nobody flagged, which go after a day: pruning reads only those
CREATE INDEX fact_questions_answered ON fact_questions (asked_at)
    WHERE fact IS NOT NULL AND helpful IS NOT 0;
