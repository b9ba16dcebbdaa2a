-- Catalogue search on PostgreSQL: the two indexes SQLite's search seeks in
-- (migrations/sqlite/0004_catalogue_at_scale.sql §1-2), read by src/catalogue/search/postgres.rs.
--
-- 1. Words. SQLite's word index (FTS5, tokenizer `unicode61 remove_diacritics 2`) reads a
--    text as runs of letters and digits, in lower case, accents removed, and finds whole words
--    or the starts of words. Here the same words are kept in a `tsvector` (one lexeme per
--    word, no positions: nothing asks where a word is) with a GIN index over listed parts,
--    and a search's words become a `tsquery` of lexemes (`'brake':* & 'disc':*`).
--
--    PostgreSQL's own text parser (`to_tsvector`) is not used: it keeps `712/95`, `a822.11`
--    or `spin-on` as tokens of their own, so "95" would not find "W 712/95" as it does on
--    SQLite. `catalogue_words` splits as SQLite does, with ICU's idea of a letter whatever the
--    database's locale; the search's words go through the same function, so a word and the
--    index always agree, and a `tsquery` is built from lexemes alone: no search text is ever
--    read as query syntax.

-- The words of a text: lower case, accents removed (decomposed, then the combining marks
-- U+0300-U+036F dropped), split at every character that is not a letter or a digit.
CREATE FUNCTION catalogue_words(text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN array_remove(
        regexp_split_to_array(
            regexp_replace(normalize(lower($1 COLLATE "und-x-icu"), NFD), '[\u0300-\u036f]+', '', 'g')
                COLLATE "und-x-icu",
            '[^[:alnum:]]+'),
        '');

-- A search's words as a query: every word required, whole (`prefix` false) or as the start of
-- a word. NULL (which matches nothing) when the words hold no letters or digits.
CREATE FUNCTION catalogue_query(words text[], prefix boolean) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (
        SELECT string_agg(quote_literal(w) || CASE WHEN prefix THEN ':*' ELSE '' END, ' & ')::tsquery
        FROM unnest(catalogue_words(array_to_string(words, ' '))) AS w
    );

-- Name, maker, part number and description, as SQLite's index has them. Stored, so a query
-- that walks the newest parts checks a word without reading the text again.
ALTER TABLE parts ADD COLUMN words tsvector GENERATED ALWAYS AS (
    array_to_tsvector(catalogue_words(name || ' ' || manufacturer || ' ' || model || ' ' || description))
) STORED;

-- Archived parts are not in the index (as on SQLite): every catalogue query asks for
-- `archived = 0`.
CREATE INDEX parts_words ON parts USING gin (words) WHERE archived = 0;

-- 2. Part numbers: the separator-free key indexed for listed parts in byte order (SQLite's
--    BINARY), so an exact number and the start of one ("0986494", "bp12") are one range of
--    the index: `model_key COLLATE "C" >= $key AND model_key COLLATE "C" < $key || U+10FFFF`.
CREATE INDEX parts_model_key ON parts (model_key COLLATE "C") WHERE archived = 0;
