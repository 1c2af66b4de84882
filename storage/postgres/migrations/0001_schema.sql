-- The schema of storage/sqlite/migrations 0001 to 0008 as PostgreSQL keeps it:
-- identity columns, timestamptz, booleans, and the tally kept by statement-level
-- PL/pgSQL triggers in sharded counter rows, so that concurrent writers (several
-- connections, several instances) do not all wait on one hot row.

-- Small named values the bot keeps between runs; a periodic post's tick among them.
CREATE TABLE settings (
    key text PRIMARY KEY,
    value text NOT NULL
);

-- Chats that receive tally posts and moderator announcements. A private chat's
-- title is never stored (it would be a member's name).
CREATE TABLE subscriptions (
    platform text NOT NULL,
    chat_id text NOT NULL,
    chat_kind text NOT NULL CHECK (chat_kind IN ('private', 'group', 'channel')),
    language text NOT NULL,
    pinned boolean NOT NULL DEFAULT false,
    tally_message_id text,
    created_at timestamptz NOT NULL,
    title text NOT NULL DEFAULT '',
    paused_at timestamptz,
    pause_reason text,
    topic text NOT NULL DEFAULT '',
    PRIMARY KEY (platform, chat_id)
);

-- Everything the bot says on its own initiative. `number`: a published
-- announcement's, 1, 2, 3 without gaps.
CREATE TABLE broadcasts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('announcement', 'tally', 'milestone', 'report')),
    status text NOT NULL CHECK (status IN ('draft', 'sending', 'done', 'cancelled')),
    text text NOT NULL DEFAULT '',
    content_hash text,
    author_platform text,
    author_id text,
    origin_language text,
    created_at timestamptz NOT NULL,
    finished_at timestamptz,
    reported_at timestamptz,
    number integer UNIQUE
);
CREATE INDEX broadcasts_recent ON broadcasts (kind, created_at);

-- One row per destination, claimed with a lease (`lease_until`) by one worker of
-- one instance at a time (`claimed_by`, the instance's presence lock), sent part by
-- part (`parts_sent`).
CREATE TABLE deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    broadcast_id bigint NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    platform text NOT NULL,
    chat_id text NOT NULL,
    chat_kind text NOT NULL,
    text text NOT NULL,
    edit_pinned boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'failed', 'unsubscribed', 'cancelled')),
    not_before timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    failures integer NOT NULL DEFAULT 0,
    error text,
    handled_at timestamptz,
    lease_until timestamptz,
    claimed_by integer,
    parts_sent integer NOT NULL DEFAULT 0,
    message_id text,
    topic text NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_due ON deliveries (platform, not_before, id) WHERE status = 'pending';
CREATE INDEX deliveries_of_broadcast ON deliveries (broadcast_id, status);
CREATE INDEX deliveries_of_chat ON deliveries (platform, chat_id, id) WHERE status = 'pending';

-- Moderator actions and refusals, and what the bot did to chats; kept a year.
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    platform text NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    detail text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (platform, actor);

-- Pledges: `member` is an HMAC of the platform and user id under a secret kept
-- outside the database; times are kept to the hour. Split by a hash of `member` into
-- 16 partitions, so that rewriting the one that held an erased pledge (see /oubli)
-- copies a sixteenth of them.
CREATE TABLE pledges (
    member text PRIMARY KEY,
    platform text NOT NULL,
    -- bit set: 1 cancel the subscription, 2 delete the app, 4 switch assistant
    kinds smallint NOT NULL CHECK (kinds BETWEEN 1 AND 7),
    notice_version integer NOT NULL,
    pledged_hour timestamptz NOT NULL
        CHECK (pledged_hour = date_trunc('hour', pledged_hour, 'UTC')),
    done_hour timestamptz CHECK (done_hour = date_trunc('hour', done_hour, 'UTC'))
) PARTITION BY HASH (member);
DO $$
BEGIN
    FOR part IN 0..15 LOOP
        EXECUTE format(
            'CREATE TABLE pledges_%s PARTITION OF pledges'
            ' FOR VALUES WITH (MODULUS 16, REMAINDER %s)', part, part);
    END LOOP;
END $$;

-- The tally in counter rows split in shards: a transaction adds to the shard of
-- its server process, so that concurrent writers rarely share a row; a read sums
-- the shards (a few hundred rows at any number of pledges). Names: total, done,
-- platform:<platform>, kind:cancel, kind:app, kind:switch.
CREATE TABLE tally_shards (
    name text NOT NULL,
    shard smallint NOT NULL,
    value bigint NOT NULL,
    PRIMARY KEY (name, shard)
);

-- Standing pledges by the hour they were made, pledges carried out by the hour
-- they were marked done, sharded the same way.
CREATE TABLE tally_hours (
    hour timestamptz NOT NULL,
    shard smallint NOT NULL,
    pledged bigint NOT NULL DEFAULT 0,
    done bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, shard)
);

-- Milestones the total has crossed, each recorded once, whatever happens next.
CREATE TABLE milestones (
    value bigint PRIMARY KEY,
    reached_at timestamptz NOT NULL,
    announced_at timestamptz
);

-- What one statement changed in `pledges`: +1 for a row put in, -1 taken out.
CREATE TYPE pledge_change AS (
    platform text, kinds smallint, pledged_hour timestamptz, done_hour timestamptz, sign integer
);

-- Adds a statement's changes to this process's shard. Rows are written in name
-- (and hour) order, counters before hours, so that two transactions sharing a
-- shard wait for each other instead of deadlocking.
CREATE FUNCTION tally_count(changes pledge_change[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tally_shards (name, shard, value)
    SELECT c.name, pg_backend_pid() % 32, sum(c.value)
    FROM unnest(changes) AS p,
        LATERAL (VALUES
            ('total', p.sign),
            ('done', p.sign * (p.done_hour IS NOT NULL)::int),
            ('platform:' || p.platform, p.sign),
            ('kind:cancel', p.sign * (p.kinds & 1)),
            ('kind:app', p.sign * ((p.kinds >> 1) & 1)),
            ('kind:switch', p.sign * ((p.kinds >> 2) & 1))
        ) AS c (name, value)
    GROUP BY c.name HAVING sum(c.value) <> 0 ORDER BY c.name
    ON CONFLICT (name, shard) DO UPDATE SET value = tally_shards.value + excluded.value;
    INSERT INTO tally_hours (hour, shard, pledged, done)
    SELECT h.hour, pg_backend_pid() % 32, sum(h.pledged), sum(h.done)
    FROM unnest(changes) AS p,
        LATERAL (VALUES (p.pledged_hour, p.sign, 0), (p.done_hour, 0, p.sign))
            AS h (hour, pledged, done)
    WHERE h.hour IS NOT NULL
    GROUP BY h.hour HAVING sum(h.pledged) <> 0 OR sum(h.done) <> 0 ORDER BY h.hour
    ON CONFLICT (hour, shard) DO UPDATE
        SET pledged = tally_hours.pledged + excluded.pledged,
            done = tally_hours.done + excluded.done;
$$;

CREATE FUNCTION pledges_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_count(ARRAY(
        SELECT (platform, kinds, pledged_hour, done_hour, 1)::pledge_change FROM added));
    RETURN NULL;
END $$;

CREATE FUNCTION pledges_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_count(ARRAY(
        SELECT (platform, kinds, pledged_hour, done_hour, -1)::pledge_change FROM removed));
    RETURN NULL;
END $$;

-- Any update takes the old rows out and puts the new ones in.
CREATE FUNCTION pledges_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_count(ARRAY(
        SELECT (platform, kinds, pledged_hour, done_hour, -1)::pledge_change FROM removed
        UNION ALL
        SELECT (platform, kinds, pledged_hour, done_hour, 1)::pledge_change FROM added));
    RETURN NULL;
END $$;

CREATE TRIGGER pledges_added AFTER INSERT ON pledges
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION pledges_added();
CREATE TRIGGER pledges_removed AFTER DELETE ON pledges
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION pledges_removed();
CREATE TRIGGER pledges_changed AFTER UPDATE ON pledges
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION pledges_changed();

-- Questions members put to the fact base, as text only: never who asked, except
-- a hash of the asker's key until they say whether the answer helped.
CREATE TABLE fact_questions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question text NOT NULL,
    folded text NOT NULL,
    fact text,
    asked_at timestamptz NOT NULL,
    helpful boolean,
    asker text CHECK (asker IS NULL OR (fact IS NOT NULL AND helpful IS NULL))
);
CREATE INDEX fact_questions_queue ON fact_questions (folded) WHERE fact IS NULL OR NOT helpful;
CREATE INDEX fact_questions_asked_at ON fact_questions (asked_at);
CREATE INDEX fact_questions_answered ON fact_questions (asked_at)
    WHERE fact IS NOT NULL AND helpful IS DISTINCT FROM false;
CREATE INDEX fact_questions_asker ON fact_questions (asker) WHERE asker IS NOT NULL;

-- How many questions each member queued on a day (UTC), under a hash of their
-- question key and the day.
CREATE TABLE queued_counts (
    counter text PRIMARY KEY,
    day date NOT NULL,
    count integer NOT NULL
);
CREATE INDEX queued_counts_day ON queued_counts (day);
