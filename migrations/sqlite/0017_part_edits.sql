-- The parts edited in a way that may change which kept set holds them, in order: a part
-- archived or restored, made universal or not, given another maker, name, model or
-- description, or deleted; and a new universal part. The sets kept in memory (the parts that
-- fit a vehicle, src/catalogue/search/fitset.rs; a word query's matches, wordset.rs) are
-- brought up to date by checking again only the parts logged since they were made, instead
-- of being read again after every edit: at a million parts, the most-fitted vehicle's set took
-- 0.69 s to read, a common word's matches 58-84 ms on SQLite and 0.6 s on PostgreSQL.
--
-- `catalogue_generation.edits` counts the edits; each is logged under its count. The newest
-- 20,000 are kept (a set more than 10,000 behind is read again). The catalogue's generation
-- itself (part of every kept set's key) now changes only when a set cannot be brought up to
-- date from the log: when the newest part is deleted, as SQLite may give its id to the next
-- new part, and a word set knows a part as new by its id being above the newest it saw.
-- The words' generation (0016) is replaced by this log.
ALTER TABLE catalogue_generation ADD COLUMN edits INTEGER NOT NULL DEFAULT 0;

CREATE TABLE part_edits (
    seq     INTEGER PRIMARY KEY,
    part_id INTEGER NOT NULL
);

DROP TRIGGER catalogue_generation_part_added;
DROP TRIGGER catalogue_generation_part_changed;
DROP TRIGGER catalogue_generation_part_removed;
DROP TRIGGER words_generation_part_changed;
DROP TRIGGER words_generation_part_removed;
DROP TABLE words_generation;

CREATE TRIGGER part_edits_part_added AFTER INSERT ON parts WHEN NEW.universal = 1
BEGIN
    UPDATE catalogue_generation SET edits = edits + 1;
    INSERT INTO part_edits (seq, part_id) SELECT edits, NEW.id FROM catalogue_generation;
    DELETE FROM part_edits WHERE seq <= (SELECT edits FROM catalogue_generation) - 20000;
END;

CREATE TRIGGER part_edits_part_changed
AFTER UPDATE OF archived, universal, name, manufacturer, model, description ON parts
WHEN OLD.archived IS NOT NEW.archived OR OLD.universal IS NOT NEW.universal
  OR OLD.manufacturer IS NOT NEW.manufacturer
  OR (NEW.archived = 0 AND (OLD.name IS NOT NEW.name OR OLD.model IS NOT NEW.model
      OR OLD.description IS NOT NEW.description))
BEGIN
    UPDATE catalogue_generation SET edits = edits + 1;
    INSERT INTO part_edits (seq, part_id) SELECT edits, NEW.id FROM catalogue_generation;
    DELETE FROM part_edits WHERE seq <= (SELECT edits FROM catalogue_generation) - 20000;
END;

CREATE TRIGGER part_edits_part_removed AFTER DELETE ON parts
BEGIN
    UPDATE catalogue_generation SET value = value + 1
    WHERE OLD.id > (SELECT COALESCE(max(id), 0) FROM parts);
    UPDATE catalogue_generation SET edits = edits + 1;
    INSERT INTO part_edits (seq, part_id) SELECT edits, OLD.id FROM catalogue_generation;
    DELETE FROM part_edits WHERE seq <= (SELECT edits FROM catalogue_generation) - 20000;
END;
