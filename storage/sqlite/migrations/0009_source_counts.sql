-- How many members arrived through each campaign source (a poster's deep link, say) and how
-- many of them pledged: counts only, never who.
CREATE TABLE source_counts (
    code TEXT PRIMARY KEY,
    arrivals INTEGER NOT NULL DEFAULT 0,
    pledges INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
