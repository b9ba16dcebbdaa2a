-- Fitment: which vehicles a part fits. A fitment names a model of the vehicle tables (never
-- free text) for a range of model years, optionally only with one engine size, at a position,
-- so many per vehicle, with what the supplier knows and the vehicle tables do not (body,
-- drive, production months) and a note; the customer is shown those as conditions. A part
-- marked universal fits every vehicle; a part with neither has no fitment data, and says so.
ALTER TABLE parts ADD COLUMN universal INTEGER NOT NULL DEFAULT 0 CHECK (universal IN (0, 1));

CREATE TABLE fitments (
    id         INTEGER PRIMARY KEY,
    part_id    INTEGER NOT NULL REFERENCES parts (id) ON DELETE CASCADE,
    model_id   INTEGER NOT NULL REFERENCES vehicle_models (id),
    year_from  INTEGER NOT NULL CHECK (year_from BETWEEN 1900 AND 2100),
    year_to    INTEGER NOT NULL CHECK (year_to BETWEEN 1900 AND 2100),
    -- Only with this engine size, in tenths of a litre; NULL: every engine.
    liters_x10 INTEGER CHECK (liters_x10 BETWEEN 1 AND 200),
    position   TEXT    NOT NULL CHECK (position IN
        ('any', 'front', 'rear', 'front_left', 'front_right', 'rear_left', 'rear_right')),
    quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    body       TEXT    NOT NULL CHECK (length(body) <= 40),
    drive      TEXT    NOT NULL CHECK (drive IN ('', 'fwd', 'rwd', 'awd', '4wd')),
    -- Production months ('2014-03'), '' when not limited.
    built_from TEXT    NOT NULL CHECK (built_from = '' OR length(built_from) = 7),
    built_to   TEXT    NOT NULL CHECK (built_to = '' OR length(built_to) = 7),
    note       TEXT    NOT NULL CHECK (length(note) <= 200),
    CHECK (year_from <= year_to)
) STRICT;
-- A part's fitments (its page, the editor).
CREATE INDEX fitments_by_part ON fitments (part_id);
-- The parts that fit a vehicle: one model, years around its year.
CREATE INDEX fitments_by_model ON fitments (model_id, year_from, year_to, part_id);
