-- The catalogue's generation (see migrations/sqlite/0014_catalogue_generation.sql). Fitment
-- rows and inserted parts bump it once per statement (a bulk load of millions of rows is one
-- bump); a changed part once per row whose archived, universal or maker changed.
CREATE TABLE catalogue_generation (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO catalogue_generation (id, value)
VALUES (1, floor((random() - 0.5) * 4e18)::bigint);

CREATE FUNCTION bump_catalogue_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalogue_generation SET value = value + 1;
    RETURN NULL;
END
$$;

-- A new part fits a vehicle only through fitment rows added later, unless it is universal.
CREATE FUNCTION bump_catalogue_generation_for_universal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM added WHERE universal = 1) THEN
        UPDATE catalogue_generation SET value = value + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER catalogue_generation_fitments AFTER INSERT OR UPDATE OR DELETE ON fitments
FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_generation();
CREATE TRIGGER catalogue_generation_part_added AFTER INSERT ON parts
REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_generation_for_universal();
CREATE TRIGGER catalogue_generation_part_changed AFTER UPDATE OF archived, universal, manufacturer ON parts
FOR EACH ROW
WHEN (OLD.archived IS DISTINCT FROM NEW.archived OR OLD.universal IS DISTINCT FROM NEW.universal
      OR OLD.manufacturer IS DISTINCT FROM NEW.manufacturer)
EXECUTE FUNCTION bump_catalogue_generation();
CREATE TRIGGER catalogue_generation_part_removed AFTER DELETE ON parts
FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_generation();
