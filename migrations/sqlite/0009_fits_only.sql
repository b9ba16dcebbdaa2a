-- The catalogue's "fits my vehicle" view walks the parts that fit a vehicle newest first and
-- stops at the page's bound, as the word index does: one model's fitments in part order, with
-- the years and engine size beside them so that each row is checked in the index alone.
-- (It replaces the index by model and years, which gave a model year's parts in no useful
-- order: all of them had to be read and sorted.)
DROP INDEX fitments_by_model;
CREATE INDEX fitments_newest ON fitments (model_id, part_id, year_from, year_to, liters_x10);
-- Listed universal parts, newest first: they fit every vehicle.
CREATE INDEX parts_universal ON parts (id) WHERE universal = 1 AND archived = 0;
