-- The words' generation (see migrations/sqlite/0016_words_generation.sql): bumped once per
-- changed row whose listing or words changed, once per statement that deletes parts.
CREATE TABLE words_generation (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO words_generation (id, value)
VALUES (1, floor((random() - 0.5) * 4e18)::bigint);

CREATE FUNCTION bump_words_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE words_generation SET value = value + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER words_generation_part_changed
AFTER UPDATE OF archived, name, manufacturer, model, description ON parts
FOR EACH ROW
WHEN (OLD.archived IS DISTINCT FROM NEW.archived
      OR (NEW.archived = 0 AND (OLD.name IS DISTINCT FROM NEW.name
          OR OLD.manufacturer IS DISTINCT FROM NEW.manufacturer
          OR OLD.model IS DISTINCT FROM NEW.model
          OR OLD.description IS DISTINCT FROM NEW.description)))
EXECUTE FUNCTION bump_words_generation();
CREATE TRIGGER words_generation_part_removed AFTER DELETE ON parts
FOR EACH STATEMENT EXECUTE FUNCTION bump_words_generation();
