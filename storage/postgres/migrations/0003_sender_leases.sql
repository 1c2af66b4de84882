-- Which instance sends a platform's posts: the holder of its lease, renewed before it
-- expires; another instance takes the row over once it has expired.
CREATE TABLE sender_leases (
    platform text PRIMARY KEY,
    holder text NOT NULL,
    expires_at timestamptz NOT NULL
);
