-- A count of fitment row changes (rows added, changed or removed), read with the catalogue's
-- generation on each catalogue request: the fitment of the cards' parts is kept in memory for
-- their answers (src/fitment/kept.rs) while the generation, the count of part edits and this
-- count are unchanged. (The model generations of 0015 say which models changed, but a card's
-- part may name any model.)
ALTER TABLE catalogue_generation ADD COLUMN fitment_edits INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER fitment_edits_added AFTER INSERT ON fitments
BEGIN
    UPDATE catalogue_generation SET fitment_edits = fitment_edits + 1;
END;
CREATE TRIGGER fitment_edits_changed AFTER UPDATE ON fitments
BEGIN
    UPDATE catalogue_generation SET fitment_edits = fitment_edits + 1;
END;
CREATE TRIGGER fitment_edits_removed AFTER DELETE ON fitments
BEGIN
    UPDATE catalogue_generation SET fitment_edits = fitment_edits + 1;
END;
