-- A conditional pledge ("I cancel if 10,000 others do") waits for `threshold`
-- other pledges; it counts in the tally only once firm (`threshold` NULL), and
-- while it waits only in the `conditional` counter.
ALTER TABLE pledges ADD COLUMN threshold INTEGER CHECK (threshold > 0);
-- Each new pledge looks at the waiting ones: never a scan of all pledges.
CREATE INDEX pledges_waiting ON pledges (threshold) WHERE threshold IS NOT NULL;

-- A private message a member asked for, by consent only: `firm` when their
-- conditional pledge becomes firm, `followup` a reminder at a time they chose.
-- `sealed` is the reference to their private chat, sealed (AES-GCM) under a key
-- derived from the member secret, which the database does not hold. `due_at`:
-- the reminder's time, or set by the transaction that makes the pledge firm.
-- The row goes when the message is queued, with the pledge, or on erasure.
CREATE TABLE pledge_notices (
    member TEXT NOT NULL REFERENCES pledges (member) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('firm', 'followup')),
    sealed BLOB NOT NULL,
    due_at TEXT,
    PRIMARY KEY (member, kind)
) WITHOUT ROWID;
CREATE INDEX pledge_notices_due ON pledge_notices (due_at) WHERE due_at IS NOT NULL;

-- The triggers of 0003, for firm pledges only.
DROP TRIGGER pledge_added;
DROP TRIGGER pledge_removed;
DROP TRIGGER pledge_changed;

CREATE TRIGGER pledge_added AFTER INSERT ON pledges WHEN NEW.threshold IS NULL BEGIN
    INSERT INTO tally_counters (name, value) VALUES
        ('total', 1),
        ('done', NEW.done_hour IS NOT NULL),
        ('platform:' || NEW.platform, 1),
        ('kind:cancel', NEW.kinds & 1),
        ('kind:app', (NEW.kinds >> 1) & 1),
        ('kind:switch', (NEW.kinds >> 2) & 1)
    ON CONFLICT (name) DO UPDATE SET value = value + excluded.value;
    INSERT INTO tally_hours (hour, pledged) VALUES (NEW.pledged_hour, 1)
    ON CONFLICT (hour) DO UPDATE SET pledged = pledged + 1;
    INSERT INTO tally_hours (hour, done) SELECT NEW.done_hour, 1 WHERE NEW.done_hour IS NOT NULL
    ON CONFLICT (hour) DO UPDATE SET done = done + 1;
END;

CREATE TRIGGER pledge_removed AFTER DELETE ON pledges WHEN OLD.threshold IS NULL BEGIN
    INSERT INTO tally_counters (name, value) VALUES
        ('total', -1),
        ('done', -(OLD.done_hour IS NOT NULL)),
        ('platform:' || OLD.platform, -1),
        ('kind:cancel', -(OLD.kinds & 1)),
        ('kind:app', -((OLD.kinds >> 1) & 1)),
        ('kind:switch', -((OLD.kinds >> 2) & 1))
    ON CONFLICT (name) DO UPDATE SET value = value + excluded.value;
    UPDATE tally_hours SET pledged = pledged - 1 WHERE hour = OLD.pledged_hour;
    UPDATE tally_hours SET done = done - 1 WHERE hour = OLD.done_hour;
END;

CREATE TRIGGER pledge_changed AFTER UPDATE ON pledges
WHEN OLD.threshold IS NULL AND NEW.threshold IS NULL BEGIN
    INSERT INTO tally_counters (name, value) VALUES
        ('done', -(OLD.done_hour IS NOT NULL)),
        ('platform:' || OLD.platform, -1),
        ('kind:cancel', -(OLD.kinds & 1)),
        ('kind:app', -((OLD.kinds >> 1) & 1)),
        ('kind:switch', -((OLD.kinds >> 2) & 1))
    ON CONFLICT (name) DO UPDATE SET value = value + excluded.value;
    INSERT INTO tally_counters (name, value) VALUES
        ('done', NEW.done_hour IS NOT NULL),
        ('platform:' || NEW.platform, 1),
        ('kind:cancel', NEW.kinds & 1),
        ('kind:app', (NEW.kinds >> 1) & 1),
        ('kind:switch', (NEW.kinds >> 2) & 1)
    ON CONFLICT (name) DO UPDATE SET value = value + excluded.value;
    UPDATE tally_hours SET pledged = pledged - 1 WHERE hour = OLD.pledged_hour;
    UPDATE tally_hours SET done = done - 1 WHERE hour = OLD.done_hour;
    INSERT INTO tally_hours (hour, pledged) VALUES (NEW.pledged_hour, 1)
    ON CONFLICT (hour) DO UPDATE SET pledged = pledged + 1;
    INSERT INTO tally_hours (hour, done) SELECT NEW.done_hour, 1 WHERE NEW.done_hour IS NOT NULL
    ON CONFLICT (hour) DO UPDATE SET done = done + 1;
END;

-- A conditional pledge is counted apart while it waits.
CREATE TRIGGER conditional_added AFTER INSERT ON pledges WHEN NEW.threshold IS NOT NULL BEGIN
    INSERT INTO tally_counters (name, value) VALUES ('conditional', 1)
    ON CONFLICT (name) DO UPDATE SET value = value + 1;
END;

CREATE TRIGGER conditional_removed AFTER DELETE ON pledges WHEN OLD.threshold IS NOT NULL BEGIN
    UPDATE tally_counters SET value = value - 1 WHERE name = 'conditional';
END;

-- Made firm (its threshold met, or carried out): out of `conditional`, into the
-- tally as a pledge added then; it never goes back to conditional.
CREATE TRIGGER conditional_firmed AFTER UPDATE ON pledges
WHEN OLD.threshold IS NOT NULL AND NEW.threshold IS NULL BEGIN
    UPDATE tally_counters SET value = value - 1 WHERE name = 'conditional';
    INSERT INTO tally_counters (name, value) VALUES
        ('total', 1),
        ('done', NEW.done_hour IS NOT NULL),
        ('platform:' || NEW.platform, 1),
        ('kind:cancel', NEW.kinds & 1),
        ('kind:app', (NEW.kinds >> 1) & 1),
        ('kind:switch', (NEW.kinds >> 2) & 1)
    ON CONFLICT (name) DO UPDATE SET value = value + excluded.value;
    INSERT INTO tally_hours (hour, pledged) VALUES (NEW.pledged_hour, 1)
    ON CONFLICT (hour) DO UPDATE SET pledged = pledged + 1;
    INSERT INTO tally_hours (hour, done) SELECT NEW.done_hour, 1 WHERE NEW.done_hour IS NOT NULL
    ON CONFLICT (hour) DO UPDATE SET done = done + 1;
END;

-- Posts may carry buttons (label and command line, as JSON rows): a private
-- notice offers the guide and /accompli.
ALTER TABLE deliveries ADD COLUMN buttons TEXT NOT NULL DEFAULT '';
