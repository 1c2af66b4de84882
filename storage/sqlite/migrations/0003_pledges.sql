-- Pledges to quit ChatGPT. A pledge reveals a political opinion, so this table
-- holds no name, username, user id or message: `member` is an HMAC of the
-- platform and user id under a secret kept outside the database
-- (bot/privacy.py), and times are kept to the hour ('YYYY-MM-DDTHH', UTC).
-- WITHOUT ROWID: no insertion order hidden in a rowid either.
CREATE TABLE pledges (
    member TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    -- bit set: 1 cancel the subscription, 2 delete the app, 4 switch assistant
    kinds INTEGER NOT NULL CHECK (kinds BETWEEN 1 AND 7),
    notice_version INTEGER NOT NULL,
    pledged_hour TEXT NOT NULL,
    done_hour TEXT
) WITHOUT ROWID;

-- The tally, kept by the triggers below in the same transaction as every
-- change to `pledges`: it reads a handful of rows at any size and cannot drift.
-- Names: total, done, platform:<platform>, kind:cancel, kind:app, kind:switch.
CREATE TABLE tally_counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

-- Standing pledges by the hour they were made, pledges carried out by the hour
-- they were marked done: the last 24 hours and the chart are read from here.
CREATE TABLE tally_hours (
    hour TEXT PRIMARY KEY,
    pledged INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Milestones the total has crossed, each recorded once, whatever happens next.
CREATE TABLE milestones (
    value INTEGER PRIMARY KEY,
    reached_at TEXT NOT NULL
);

-- Each trigger adds a row's contributions to the counters (or takes them away).
CREATE TRIGGER pledge_added AFTER INSERT ON pledges BEGIN
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

CREATE TRIGGER pledge_removed AFTER DELETE ON pledges BEGIN
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

-- Any update takes the old row out and puts the new one in.
CREATE TRIGGER pledge_changed AFTER UPDATE ON pledges BEGIN
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
