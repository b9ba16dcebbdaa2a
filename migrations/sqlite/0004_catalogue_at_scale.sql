-- Catalogue search at scale (issue: a million parts, searched in milliseconds).
--
-- The first search index (0002) was a trigram index over all text, including descriptions:
-- 1.6 GB at a million parts, no help for terms under three characters (they scanned every
-- row with LIKE), and part numbers were matched with LIKE '%…%' on a computed column, which
-- reads every row. This migration replaces it with indexes every catalogue query can seek in.

DROP TRIGGER parts_fts_after_insert;
DROP TRIGGER parts_fts_after_delete;
DROP TRIGGER parts_fts_after_update;
DROP TABLE parts_fts;

-- 1. Word index over the listed (not archived) parts: whole words, accents folded, with
--    prefix indexes for one to three characters so that short terms and the first letters
--    of a word ("bra", "oi fi") are single index lookups. `detail=column` keeps which column a
--    word is in (for "the name matches" ranking) but not positions, which nothing needs.
CREATE VIRTUAL TABLE parts_words USING fts5(
    name, manufacturer, model, description,
    content = 'parts', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3',
    detail = column
);

-- Archived parts are not in the index: archiving removes a part, restoring adds it back.
CREATE TRIGGER parts_words_after_insert AFTER INSERT ON parts WHEN new.archived = 0 BEGIN
    INSERT INTO parts_words (rowid, name, manufacturer, model, description)
    VALUES (new.id, new.name, new.manufacturer, new.model, new.description);
END;

CREATE TRIGGER parts_words_after_delete AFTER DELETE ON parts WHEN old.archived = 0 BEGIN
    INSERT INTO parts_words (parts_words, rowid, name, manufacturer, model, description)
    VALUES ('delete', old.id, old.name, old.manufacturer, old.model, old.description);
END;

CREATE TRIGGER parts_words_after_update
AFTER UPDATE OF name, manufacturer, model, description, archived ON parts
WHEN old.name IS NOT new.name OR old.manufacturer IS NOT new.manufacturer
  OR old.model IS NOT new.model OR old.description IS NOT new.description
  OR old.archived IS NOT new.archived
BEGIN
    INSERT INTO parts_words (parts_words, rowid, name, manufacturer, model, description)
    SELECT 'delete', old.id, old.name, old.manufacturer, old.model, old.description
    WHERE old.archived = 0;
    INSERT INTO parts_words (rowid, name, manufacturer, model, description)
    SELECT new.id, new.name, new.manufacturer, new.model, new.description
    WHERE new.archived = 0;
END;

INSERT INTO parts_words (rowid, name, manufacturer, model, description)
SELECT id, name, manufacturer, model, description FROM parts WHERE archived = 0;

-- 2. Part numbers: the separator-free key (0002's model_key) indexed for listed parts, so an
--    exact number and the start of one ("0986494", "bp12") are index range lookups.
CREATE INDEX parts_model_key ON parts (model_key) WHERE archived = 0;

-- 3. Browsing without search words: one index per sort order, alone and after a maker, each
--    ending in the id so that pages are stable and the index alone answers "which ids". All
--    are partial (listed parts only): with a full index on `archived` beside them, SQLite
--    3.51 chose it for `archived = 0` and sorted every listed part for one page.
DROP INDEX parts_active_newest;
DROP INDEX parts_active_price;
DROP INDEX parts_active_name;
DROP INDEX parts_active_manufacturer;
CREATE INDEX parts_listed_newest ON parts (created_at DESC, id DESC) WHERE archived = 0;
CREATE INDEX parts_listed_price ON parts (price_cents, id) WHERE archived = 0;
CREATE INDEX parts_listed_name ON parts (name COLLATE NOCASE, id) WHERE archived = 0;
CREATE INDEX parts_maker_newest ON parts (manufacturer, created_at DESC, id DESC) WHERE archived = 0;
CREATE INDEX parts_maker_price ON parts (manufacturer, price_cents, id) WHERE archived = 0;
CREATE INDEX parts_maker_name ON parts (manufacturer, name COLLATE NOCASE, id) WHERE archived = 0;

-- 4. Listed parts per maker, and how many of them are in stock: the catalogue's maker
--    filter counts and totals without counting rows. Kept exact by triggers on every insert,
--    delete and change of maker, archived flag or stock (only when stock crosses zero).
CREATE TABLE catalogue_makers (
    manufacturer TEXT    PRIMARY KEY,
    listed       INTEGER NOT NULL CHECK (listed >= 0),
    in_stock     INTEGER NOT NULL CHECK (in_stock BETWEEN 0 AND listed)
) STRICT, WITHOUT ROWID;

INSERT INTO catalogue_makers (manufacturer, listed, in_stock)
SELECT manufacturer, COUNT(*), SUM(stock > 0) FROM parts WHERE archived = 0 GROUP BY manufacturer;

CREATE TRIGGER catalogue_makers_after_insert AFTER INSERT ON parts WHEN new.archived = 0 BEGIN
    INSERT INTO catalogue_makers (manufacturer, listed, in_stock)
    VALUES (new.manufacturer, 1, new.stock > 0)
    ON CONFLICT (manufacturer) DO UPDATE
        SET listed = listed + 1, in_stock = in_stock + excluded.in_stock;
END;

CREATE TRIGGER catalogue_makers_after_delete AFTER DELETE ON parts WHEN old.archived = 0 BEGIN
    UPDATE catalogue_makers SET listed = listed - 1, in_stock = in_stock - (old.stock > 0)
    WHERE manufacturer = old.manufacturer;
END;

CREATE TRIGGER catalogue_makers_after_update AFTER UPDATE OF manufacturer, archived, stock ON parts
WHEN old.manufacturer IS NOT new.manufacturer OR old.archived IS NOT new.archived
  OR (old.stock > 0) IS NOT (new.stock > 0)
BEGIN
    UPDATE catalogue_makers SET in_stock = in_stock - (old.stock > 0), listed = listed - 1
    WHERE old.archived = 0 AND manufacturer = old.manufacturer;
    INSERT INTO catalogue_makers (manufacturer, listed, in_stock)
    SELECT new.manufacturer, 1, new.stock > 0 WHERE new.archived = 0
    ON CONFLICT (manufacturer) DO UPDATE
        SET listed = listed + 1, in_stock = in_stock + excluded.in_stock;
END;
