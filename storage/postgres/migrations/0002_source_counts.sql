-- How many members arrived through each campaign source (a poster's deep link, say) and how
-- many of them pledged: counts only, never who.
CREATE TABLE source_counts (
    code text PRIMARY KEY,
    arrivals bigint NOT NULL DEFAULT 0,
    pledges bigint NOT NULL DEFAULT 0
);
