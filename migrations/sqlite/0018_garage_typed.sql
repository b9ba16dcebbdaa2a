-- Typed-in vehicles in My garage: vehicles the vehicle list does not have (vPIC knows the
-- cars sold in North America), kept as the customer typed them (checked by
-- vehicles::TypedVehicle::new). Parts cannot be checked against them, so no fitment row
-- points here; the garage shows them with the listed ones, most recently used first
-- (used_at is shared with `garage`), at most ten.
CREATE TABLE garage_typed (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    year    INTEGER NOT NULL CHECK (year BETWEEN 1886 AND 2100),
    make    TEXT    NOT NULL CHECK (length(make) BETWEEN 1 AND 40),
    model   TEXT    NOT NULL CHECK (length(model) BETWEEN 1 AND 40),
    used_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, year, make, model)
) STRICT;
