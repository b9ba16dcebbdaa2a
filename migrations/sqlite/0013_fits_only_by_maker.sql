-- A maker's listed universal parts, newest first: the "fits my vehicle" view with a maker
-- filter reads them directly instead of looking through every universal part for the maker.
CREATE INDEX parts_universal_maker ON parts (manufacturer, id) WHERE universal = 1 AND archived = 0;
