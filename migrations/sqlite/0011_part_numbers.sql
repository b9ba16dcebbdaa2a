-- OEM and cross-reference numbers of a listing: the vehicle maker's number for the part (OEM)
-- or another parts maker's equivalent (cross-reference). Searching any of them finds the part,
-- separators and case ignored: number_key is the number as `catalogue::normalize_part_number`
-- reads it (as parts.model_key), indexed for the same prefix ranges.
CREATE TABLE part_numbers (
    id         INTEGER PRIMARY KEY,
    part_id    INTEGER NOT NULL REFERENCES parts (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('oem', 'cross')),
    maker      TEXT    NOT NULL CHECK (length(maker) BETWEEN 1 AND 60),
    number     TEXT    NOT NULL CHECK (length(number) BETWEEN 1 AND 60),
    number_key TEXT    NOT NULL CHECK (length(number_key) BETWEEN 1 AND 60),
    UNIQUE (part_id, number_key)
) STRICT;
CREATE INDEX part_numbers_by_key ON part_numbers (number_key, part_id);
