-- Typed-in vehicles in My garage (see migrations/sqlite/0018_garage_typed.sql for the why).
CREATE TABLE garage_typed (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    year    BIGINT NOT NULL CHECK (year BETWEEN 1886 AND 2100),
    make    TEXT   NOT NULL CHECK (char_length(make) BETWEEN 1 AND 40),
    model   TEXT   NOT NULL CHECK (char_length(model) BETWEEN 1 AND 40),
    used_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, year, make, model)
);
