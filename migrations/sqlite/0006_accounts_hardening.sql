-- Look-alike usernames: each name's confusable skeleton (Unicode TS #39, lower-cased, so
-- "NordBrаke" with a Cyrillic а, "n0rdbrake" and "NordBrake" share one), unique. Computed
-- in Rust when an account is created; names stored before this migration get theirs at the
-- next start (auth::db::fill_missing_username_skeletons).
ALTER TABLE users ADD COLUMN username_skeleton TEXT;
CREATE UNIQUE INDEX users_username_skeleton_key ON users (username_skeleton);

-- Browsers that have logged in to an account before ("device cookies", OWASP): a login from
-- one of them is limited on its own, so strangers guessing an account's password cannot lock
-- its owner out. The token is random (128 bits); it proves nothing but an earlier login from
-- that browser and never logs anyone in by itself.
CREATE TABLE login_devices (
    token      TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX login_devices_by_user ON login_devices (user_id, created_at);
