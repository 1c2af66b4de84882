-- Small named values the bot keeps between runs (for example the hash of the
-- command set last published to a platform).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
