-- Which instance sends a platform's posts: the holder of its lease, renewed before it
-- expires; another instance takes the row over once it has expired.
CREATE TABLE sender_leases (
    platform TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
