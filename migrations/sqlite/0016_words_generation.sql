-- The words' generation: a number that changes whenever a listed part's words may have
-- changed (a part archived or restored, its name, maker, model or description edited, or a
-- part deleted). The "fits my vehicle" searches keep each word query's matches in memory
-- under this number (src/catalogue/search/wordset.rs) and read it on each request, so a
-- change made through any server is seen by every server at once. A new part does not change
-- it: its id is above every kept match, and the matches above a kept set's newest are asked
-- for whenever a part is newer than the set. It starts at a random value, so that two databases never share one.
CREATE TABLE words_generation (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO words_generation (id, value) VALUES (1, random() / 4);

CREATE TRIGGER words_generation_part_changed
AFTER UPDATE OF archived, name, manufacturer, model, description ON parts
WHEN OLD.archived IS NOT NEW.archived
  OR (NEW.archived = 0 AND (OLD.name IS NOT NEW.name OR OLD.manufacturer IS NOT NEW.manufacturer
      OR OLD.model IS NOT NEW.model OR OLD.description IS NOT NEW.description))
BEGIN
    UPDATE words_generation SET value = value + 1;
END;
-- Any part deleted, listed or not: SQLite may give a new part the id of a deleted newest one,
-- and a kept set knows which ids were the newest when it was made.
CREATE TRIGGER words_generation_part_removed AFTER DELETE ON parts
BEGIN
    UPDATE words_generation SET value = value + 1;
END;
