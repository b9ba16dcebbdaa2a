-- A count of fitment row changes (see migrations/sqlite/0019_fitment_edits.sql): bumped once
-- per statement that adds, changes or removes fitment rows.
ALTER TABLE catalogue_generation ADD COLUMN fitment_edits BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION bump_fitment_edits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalogue_generation SET fitment_edits = fitment_edits + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER fitment_edits AFTER INSERT OR UPDATE OR DELETE ON fitments
FOR EACH STATEMENT EXECUTE FUNCTION bump_fitment_edits();
