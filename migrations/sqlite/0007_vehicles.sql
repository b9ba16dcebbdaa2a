-- Vehicles a part can fit: makes, models, model years and their engines, from NHTSA's vPIC
-- (public domain) through data/vehicles.csv.gz (scripts/derive-vehicles.py). The rows are
-- loaded at start by vehicles::db::load_vehicle_data, not here: each database (every test's
-- scratch database too) would otherwise pay for 168,000 rows it may never read. Ids are the
-- database's own; the natural keys are unique, so a newer data file adds to the table
-- without moving anything fitment rows point at.
CREATE TABLE vehicle_makes (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 80)
) STRICT;

CREATE TABLE vehicle_models (
    id      INTEGER PRIMARY KEY,
    make_id INTEGER NOT NULL REFERENCES vehicle_makes (id),
    name    TEXT    NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 80),
    UNIQUE (make_id, name)
) STRICT;

-- One row per model year: "2014 Honda Civic".
CREATE TABLE vehicles (
    id       INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES vehicle_models (id),
    year     INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2100),
    UNIQUE (model_id, year)
) STRICT;
-- The picker: the makes of a year, then their models.
CREATE INDEX vehicles_by_year ON vehicles (year, model_id);

-- The engines a model year was built with, as far as vPIC knows them. 0 and '' mean
-- "not known" (not NULL, so the natural key stays unique).
CREATE TABLE vehicle_engines (
    id          INTEGER PRIMARY KEY,
    vehicle_id  INTEGER NOT NULL REFERENCES vehicles (id),
    liters_x10  INTEGER NOT NULL CHECK (liters_x10 BETWEEN 0 AND 200),
    cylinders   INTEGER NOT NULL CHECK (cylinders BETWEEN 0 AND 16),
    code        TEXT    NOT NULL CHECK (length(code) <= 24),
    UNIQUE (vehicle_id, liters_x10, cylinders, code)
) STRICT;

-- Which data file the tables hold (its checksum): loading is skipped when it is current.
CREATE TABLE vehicle_data (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    checksum TEXT    NOT NULL,
    loaded_at INTEGER NOT NULL
) STRICT;
