-- My garage: the vehicles a logged-in customer keeps (at most ten; choosing an eleventh lets
-- the longest unused go), each with its engine if the customer told us. The active vehicle is
-- the vehicle cookie's; at login the cookie's vehicle is kept here, or, without one, the most
-- recently used one here becomes active.
CREATE TABLE garage (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    vehicle_id INTEGER NOT NULL REFERENCES vehicles (id),
    engine_id  INTEGER REFERENCES vehicle_engines (id),
    used_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, vehicle_id)
) STRICT;
