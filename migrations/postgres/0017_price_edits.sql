-- A listed part's new price is a logged edit too (see migrations/sqlite/0020_price_edits.sql).
CREATE OR REPLACE FUNCTION log_parts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM log_part_edits(ARRAY(
        SELECT n.id FROM changed_new n JOIN changed_old o ON o.id = n.id
        WHERE o.archived IS DISTINCT FROM n.archived
           OR o.universal IS DISTINCT FROM n.universal
           OR o.manufacturer IS DISTINCT FROM n.manufacturer
           OR (n.archived = 0 AND (o.name IS DISTINCT FROM n.name
               OR o.model IS DISTINCT FROM n.model
               OR o.description IS DISTINCT FROM n.description
               OR o.price_cents IS DISTINCT FROM n.price_cents))
        ORDER BY n.id));
    RETURN NULL;
END
$$;
