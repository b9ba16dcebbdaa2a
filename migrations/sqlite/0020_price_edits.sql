-- A listed part's new price is a logged edit too (see 0017): the parts that fit a vehicle are
-- kept in memory with their prices (src/catalogue/search/fitset.rs), so that the "fits my
-- vehicle" view sorts and filters by price without reading a thousand rows a request.
DROP TRIGGER part_edits_part_changed;
CREATE TRIGGER part_edits_part_changed
AFTER UPDATE OF archived, universal, name, manufacturer, model, description, price_cents ON parts
WHEN OLD.archived IS NOT NEW.archived OR OLD.universal IS NOT NEW.universal
  OR OLD.manufacturer IS NOT NEW.manufacturer
  OR (NEW.archived = 0 AND (OLD.name IS NOT NEW.name OR OLD.model IS NOT NEW.model
      OR OLD.description IS NOT NEW.description OR OLD.price_cents IS NOT NEW.price_cents))
BEGIN
    UPDATE catalogue_generation SET edits = edits + 1;
    INSERT INTO part_edits (seq, part_id) SELECT edits, NEW.id FROM catalogue_generation;
    DELETE FROM part_edits WHERE seq <= (SELECT edits FROM catalogue_generation) - 20000;
END;
