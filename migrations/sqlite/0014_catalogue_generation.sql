-- The catalogue's generation: a number that changes whenever which listed parts fit which
-- vehicle may have changed (a fitment row added, changed or removed; a part archived or
-- restored, made universal or not, or given another maker). The "fits my vehicle" view keeps
-- the ids of the parts that fit a vehicle in memory under this number, and reads the number
-- on each request: a change made through any server is seen by every server at once.
-- It starts at a random value, so that two databases (a test's, a restored backup) never
-- share a generation.
CREATE TABLE catalogue_generation (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO catalogue_generation (id, value) VALUES (1, random() / 4);

CREATE TRIGGER catalogue_generation_fitment_added AFTER INSERT ON fitments
BEGIN
    UPDATE catalogue_generation SET value = value + 1;
END;
CREATE TRIGGER catalogue_generation_fitment_changed AFTER UPDATE ON fitments
BEGIN
    UPDATE catalogue_generation SET value = value + 1;
END;
CREATE TRIGGER catalogue_generation_fitment_removed AFTER DELETE ON fitments
BEGIN
    UPDATE catalogue_generation SET value = value + 1;
END;
-- A new part fits a vehicle only through fitment rows added later, unless it is universal.
CREATE TRIGGER catalogue_generation_part_added AFTER INSERT ON parts WHEN NEW.universal = 1
BEGIN
    UPDATE catalogue_generation SET value = value + 1;
END;
CREATE TRIGGER catalogue_generation_part_changed AFTER UPDATE OF archived, universal, manufacturer ON parts
WHEN OLD.archived IS NOT NEW.archived OR OLD.universal IS NOT NEW.universal
  OR OLD.manufacturer IS NOT NEW.manufacturer
BEGIN
    UPDATE catalogue_generation SET value = value + 1;
END;
CREATE TRIGGER catalogue_generation_part_removed AFTER DELETE ON parts
BEGIN
    UPDATE catalogue_generation SET value = value + 1;
END;
