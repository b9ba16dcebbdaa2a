-- The parts edited in a way that may change which kept set holds them, in order (see
-- migrations/sqlite/0017_part_edits.sql). Logged once per statement (a bulk load or a bulk
-- archive takes the count's row once, not once per row). Each statement takes its counts
-- under the row lock of `catalogue_generation`, held to the end of its transaction, so counts
-- are given in the order edits commit: a reader that sees count N sees every edit up to N.
-- PostgreSQL never gives a deleted part's id again, so the catalogue's generation no longer
-- changes here. The words' generation (0013) is replaced by this log.
ALTER TABLE catalogue_generation ADD COLUMN edits BIGINT NOT NULL DEFAULT 0;

CREATE TABLE part_edits (
    seq     BIGINT PRIMARY KEY,
    part_id BIGINT NOT NULL
);

DROP TRIGGER catalogue_generation_part_added ON parts;
DROP TRIGGER catalogue_generation_part_changed ON parts;
DROP TRIGGER catalogue_generation_part_removed ON parts;
DROP FUNCTION bump_catalogue_generation_for_universal();
DROP FUNCTION bump_catalogue_generation();
DROP TRIGGER words_generation_part_changed ON parts;
DROP TRIGGER words_generation_part_removed ON parts;
DROP FUNCTION bump_words_generation();
DROP TABLE words_generation;

-- Logs `ids`, in their order, under the next counts.
CREATE FUNCTION log_part_edits(ids BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k BIGINT := coalesce(cardinality(ids), 0);
    n BIGINT;
BEGIN
    IF k = 0 THEN
        RETURN;
    END IF;
    UPDATE catalogue_generation SET edits = edits + k RETURNING edits INTO n;
    INSERT INTO part_edits (seq, part_id)
    SELECT n - k + i, ids[i] FROM generate_subscripts(ids, 1) AS i;
    -- The newest 20,000 are kept: cut each time the count passes a thousand.
    IF n / 1000 <> (n - k) / 1000 THEN
        DELETE FROM part_edits WHERE seq <= n - 20000;
    END IF;
END
$$;

CREATE FUNCTION log_parts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM log_part_edits(ARRAY(SELECT a.id FROM added a WHERE a.universal = 1 ORDER BY a.id));
    RETURN NULL;
END
$$;

-- Transition tables cannot be had with a column list (UPDATE OF ...): every UPDATE statement
-- on parts runs this, and it logs the rows whose logged columns changed.
CREATE FUNCTION log_parts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM log_part_edits(ARRAY(
        SELECT n.id FROM changed_new n JOIN changed_old o ON o.id = n.id
        WHERE o.archived IS DISTINCT FROM n.archived
           OR o.universal IS DISTINCT FROM n.universal
           OR o.manufacturer IS DISTINCT FROM n.manufacturer
           OR (n.archived = 0 AND (o.name IS DISTINCT FROM n.name
               OR o.model IS DISTINCT FROM n.model
               OR o.description IS DISTINCT FROM n.description))
        ORDER BY n.id));
    RETURN NULL;
END
$$;

CREATE FUNCTION log_parts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM log_part_edits(ARRAY(SELECT r.id FROM removed r ORDER BY r.id));
    RETURN NULL;
END
$$;

CREATE TRIGGER part_edits_part_added AFTER INSERT ON parts
REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION log_parts_added();
CREATE TRIGGER part_edits_part_changed AFTER UPDATE ON parts
REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
FOR EACH STATEMENT EXECUTE FUNCTION log_parts_changed();
CREATE TRIGGER part_edits_part_removed AFTER DELETE ON parts
REFERENCING OLD TABLE AS removed
FOR EACH STATEMENT EXECUTE FUNCTION log_parts_removed();
