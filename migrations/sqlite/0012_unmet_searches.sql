-- Demand for suppliers: what customers with an active vehicle searched for and did not find.
-- One row per vehicle (model year) and search text (lower case, spaces collapsed), counted;
-- no account, address or session is kept. Rows unsearched for a year are deleted
-- (demand::spawn_purge).
CREATE TABLE unmet_searches (
    vehicle_id INTEGER NOT NULL REFERENCES vehicles (id),
    words      TEXT    NOT NULL CHECK (length(words) BETWEEN 1 AND 100),
    searches   INTEGER NOT NULL CHECK (searches >= 1),
    first_at   INTEGER NOT NULL,
    last_at    INTEGER NOT NULL,
    PRIMARY KEY (vehicle_id, words)
) STRICT;
-- The page's order (most searched first), and the purge's.
CREATE INDEX unmet_searches_by_count ON unmet_searches (searches DESC, last_at DESC);
CREATE INDEX unmet_searches_by_age ON unmet_searches (last_at);
