-- A generation per vehicle model (see migrations/sqlite/0015_model_generation.sql). Fitment
-- rows bump their models' generations once per statement (a bulk load of millions of rows is
-- one bump per model it names), in model order, so that concurrent writers lock them in the
-- same order.
CREATE TABLE model_generation (
    model_id BIGINT PRIMARY KEY,
    value    BIGINT NOT NULL
);

DROP TRIGGER catalogue_generation_fitments ON fitments;

-- The transition table is `changed` in the insert and delete triggers; an update's trigger
-- names its rows before and after.
CREATE FUNCTION bump_model_generations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO model_generation (model_id, value)
        SELECT model_id, 1 FROM (SELECT model_id FROM changed UNION SELECT model_id FROM changed_before) m
        ORDER BY model_id
        ON CONFLICT (model_id) DO UPDATE SET value = model_generation.value + 1;
    ELSE
        INSERT INTO model_generation (model_id, value)
        SELECT DISTINCT model_id, 1 FROM changed
        ORDER BY model_id
        ON CONFLICT (model_id) DO UPDATE SET value = model_generation.value + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER model_generation_fitments_added AFTER INSERT ON fitments
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION bump_model_generations();
CREATE TRIGGER model_generation_fitments_changed AFTER UPDATE ON fitments
REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION bump_model_generations();
CREATE TRIGGER model_generation_fitments_removed AFTER DELETE ON fitments
REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION bump_model_generations();
