-- My garage (see migrations/sqlite/0010_garage.sql for the why).
CREATE TABLE garage (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    vehicle_id BIGINT NOT NULL REFERENCES vehicles (id),
    engine_id  BIGINT REFERENCES vehicle_engines (id),
    used_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, vehicle_id)
);
