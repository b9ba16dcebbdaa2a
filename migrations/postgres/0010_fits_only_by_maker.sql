-- A maker's listed universal parts (see migrations/sqlite/0013_fits_only_by_maker.sql).
CREATE INDEX parts_universal_maker ON parts (manufacturer, id) WHERE universal = 1 AND archived = 0;
