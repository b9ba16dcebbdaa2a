-- Demand for suppliers (see migrations/sqlite/0012_unmet_searches.sql for the why).
CREATE TABLE unmet_searches (
    vehicle_id BIGINT NOT NULL REFERENCES vehicles (id),
    words      TEXT   NOT NULL CHECK (length(words) BETWEEN 1 AND 100),
    searches   BIGINT NOT NULL CHECK (searches >= 1),
    first_at   BIGINT NOT NULL,
    last_at    BIGINT NOT NULL,
    PRIMARY KEY (vehicle_id, words)
);
CREATE INDEX unmet_searches_by_count ON unmet_searches (searches DESC, last_at DESC);
CREATE INDEX unmet_searches_by_age ON unmet_searches (last_at);
