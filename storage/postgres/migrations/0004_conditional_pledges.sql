-- storage/sqlite/migrations/0010 as PostgreSQL keeps it. A conditional pledge ("I cancel
-- if 10,000 others do") waits for `threshold` other pledges; it counts in the tally only
-- once firm (`threshold` NULL), and while it waits only in its `waiting:` counter.
-- Added to the partitioned table, the column and its check reach the 16 partitions.
ALTER TABLE pledges ADD COLUMN threshold integer CHECK (threshold > 0);
-- Those met are made firm: never a scan of all pledges.
CREATE INDEX pledges_waiting ON pledges (threshold) WHERE threshold IS NOT NULL;

-- A private message a member asked for, by consent only: `firm` when their
-- conditional pledge becomes firm, `followup` a reminder at a time they chose.
-- `sealed` is the reference to their private chat, sealed (AES-GCM) under a key
-- derived from the member secret, which the database does not hold. `due_at`:
-- the reminder's time, or set by the transaction that makes the pledge firm.
-- The row goes when the message is queued, with the pledge, or on erasure.
CREATE TABLE pledge_notices (
    member text NOT NULL REFERENCES pledges (member) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('firm', 'followup')),
    sealed bytea NOT NULL,
    due_at timestamptz,
    PRIMARY KEY (member, kind)
);
CREATE INDEX pledge_notices_due ON pledge_notices (due_at) WHERE due_at IS NOT NULL;

-- The counters of 0001 for firm pledges only. A conditional pledge counts in
-- `waiting:<threshold>` alone: a new pledge finds the thresholds met from a few counter
-- rows, never a scan of the pledges. Made firm (its threshold met, or carried out), an
-- update takes it out of `waiting:` and puts it in the tally as a pledge added then.
ALTER TYPE pledge_change ADD ATTRIBUTE threshold integer;

CREATE OR REPLACE FUNCTION tally_count(changes pledge_change[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tally_shards (name, shard, value)
    SELECT c.name, pg_backend_pid() % 32, sum(c.value)
    FROM unnest(changes) AS p,
        LATERAL (SELECT p.sign * (p.threshold IS NULL)::int AS firm) AS f,
        LATERAL (VALUES
            ('waiting:' || p.threshold, p.sign),
            ('total', f.firm),
            ('done', f.firm * (p.done_hour IS NOT NULL)::int),
            ('platform:' || p.platform, f.firm),
            ('kind:cancel', f.firm * (p.kinds & 1)),
            ('kind:app', f.firm * ((p.kinds >> 1) & 1)),
            ('kind:switch', f.firm * ((p.kinds >> 2) & 1))
        ) AS c (name, value)
    WHERE c.name IS NOT NULL  -- `waiting:` of a firm pledge
    GROUP BY c.name HAVING sum(c.value) <> 0 ORDER BY c.name
    ON CONFLICT (name, shard) DO UPDATE SET value = tally_shards.value + excluded.value;
    INSERT INTO tally_hours (hour, shard, pledged, done)
    SELECT h.hour, pg_backend_pid() % 32, sum(h.pledged), sum(h.done)
    FROM unnest(changes) AS p,
        LATERAL (VALUES (p.pledged_hour, p.sign, 0), (p.done_hour, 0, p.sign))
            AS h (hour, pledged, done)
    WHERE h.hour IS NOT NULL AND p.threshold IS NULL
    GROUP BY h.hour HAVING sum(h.pledged) <> 0 OR sum(h.done) <> 0 ORDER BY h.hour
    ON CONFLICT (hour, shard) DO UPDATE
        SET pledged = tally_hours.pledged + excluded.pledged,
            done = tally_hours.done + excluded.done;
$$;

CREATE OR REPLACE FUNCTION pledges_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_count(ARRAY(
        SELECT (platform, kinds, pledged_hour, done_hour, 1, threshold)::pledge_change
        FROM added));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION pledges_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_count(ARRAY(
        SELECT (platform, kinds, pledged_hour, done_hour, -1, threshold)::pledge_change
        FROM removed));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION pledges_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_count(ARRAY(
        SELECT (platform, kinds, pledged_hour, done_hour, -1, threshold)::pledge_change
        FROM removed
        UNION ALL
        SELECT (platform, kinds, pledged_hour, done_hour, 1, threshold)::pledge_change
        FROM added));
    RETURN NULL;
END $$;

-- Posts may carry buttons (rows of label and command line): a private notice offers
-- the guide and /accompli.
ALTER TABLE deliveries ADD COLUMN buttons jsonb NOT NULL DEFAULT '[]';
