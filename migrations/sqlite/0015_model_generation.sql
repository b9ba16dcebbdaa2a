-- A generation per vehicle model: a number that changes whenever a fitment row for the model
-- is added, changed or removed. A vehicle's fitting parts are kept in memory under both the
-- catalogue's generation (0014: parts archived, restored, made universal or given another
-- maker) and their model's, so one supplier's fitment rows no longer make every vehicle's
-- set be read again, only those of the models the rows name. A model without a row here has
-- never had a fitment changed since this migration: its generation is 0.
CREATE TABLE model_generation (
    model_id INTEGER PRIMARY KEY,
    value    INTEGER NOT NULL
);

DROP TRIGGER catalogue_generation_fitment_added;
DROP TRIGGER catalogue_generation_fitment_changed;
DROP TRIGGER catalogue_generation_fitment_removed;

CREATE TRIGGER model_generation_fitment_added AFTER INSERT ON fitments
BEGIN
    INSERT INTO model_generation (model_id, value) VALUES (NEW.model_id, 1)
    ON CONFLICT (model_id) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER model_generation_fitment_changed AFTER UPDATE ON fitments
BEGIN
    INSERT INTO model_generation (model_id, value) VALUES (OLD.model_id, 1)
    ON CONFLICT (model_id) DO UPDATE SET value = value + 1;
    INSERT INTO model_generation (model_id, value) VALUES (NEW.model_id, 1)
    ON CONFLICT (model_id) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER model_generation_fitment_removed AFTER DELETE ON fitments
BEGIN
    INSERT INTO model_generation (model_id, value) VALUES (OLD.model_id, 1)
    ON CONFLICT (model_id) DO UPDATE SET value = value + 1;
END;
