-- PartWatch schema, first version: every table of the product (SPEC "Data").
-- Times are Unix seconds (UTC). Money is integer cents. All tables are STRICT so SQLite
-- enforces column types; CHECK constraints repeat the domain rules as a last line of defence.

-- Accounts. Username and email are unique regardless of letter case.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL CHECK (length(username) BETWEEN 3 AND 32),
    email         TEXT    NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    password_hash TEXT    NOT NULL,                 -- argon2id PHC string
    role          TEXT    NOT NULL CHECK (role IN ('customer', 'supplier')),
    created_at    INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
CREATE UNIQUE INDEX users_username_key ON users (username COLLATE NOCASE);
CREATE UNIQUE INDEX users_email_key ON users (email COLLATE NOCASE);

-- Listings. Archived parts leave the catalogue but stay in orders and in the supplier's list.
CREATE TABLE parts (
    id                INTEGER PRIMARY KEY,
    supplier_id       INTEGER NOT NULL REFERENCES users (id),
    name              TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 150),
    manufacturer      TEXT    NOT NULL CHECK (length(manufacturer) BETWEEN 1 AND 100),
    model             TEXT    NOT NULL CHECK (length(model) BETWEEN 1 AND 100),
    description       TEXT    NOT NULL CHECK (length(description) BETWEEN 1 AND 5000),
    price_cents       INTEGER NOT NULL CHECK (price_cents BETWEEN 1 AND 100000000),
    stock             INTEGER NOT NULL CHECK (stock BETWEEN 0 AND 1000000),
    delivery_estimate TEXT    NOT NULL
        CHECK (delivery_estimate IN ('1-2_days', '3-5_days', '1-2_weeks', '2-4_weeks')),
    image_key         TEXT,                         -- random file stem under UPLOAD_DIR
    archived          INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at        INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at        INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
-- The catalogue lists active parts newest first; suppliers list their own parts.
CREATE INDEX parts_active_newest ON parts (archived, created_at DESC, id DESC);
CREATE INDEX parts_supplier ON parts (supplier_id, archived);

-- Orders: one per supplier per checkout. The payment reference is derived from the id.
CREATE TABLE orders (
    id                INTEGER PRIMARY KEY,
    customer_id       INTEGER NOT NULL REFERENCES users (id),
    supplier_id       INTEGER NOT NULL REFERENCES users (id),
    status            TEXT    NOT NULL DEFAULT 'awaiting_payment'
        CHECK (status IN ('awaiting_payment', 'paid', 'shipped', 'completed', 'cancelled')),
    total_cents       INTEGER NOT NULL CHECK (total_cents >= 0),
    shipping_name     TEXT    NOT NULL CHECK (length(shipping_name) BETWEEN 1 AND 100),
    shipping_address  TEXT    NOT NULL CHECK (length(shipping_address) BETWEEN 1 AND 500),
    payment_reference TEXT UNIQUE,                  -- 'PW-<id>', set in the creating transaction
    created_at        INTEGER NOT NULL DEFAULT (unixepoch()),
    paid_at           INTEGER,
    shipped_at        INTEGER,
    completed_at      INTEGER,
    cancelled_at      INTEGER
) STRICT;
CREATE INDEX orders_customer ON orders (customer_id, created_at DESC);
CREATE INDEX orders_supplier ON orders (supplier_id, status, created_at DESC);

-- Order lines, with the name and unit price as they were at checkout.
CREATE TABLE purchases (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    part_id          INTEGER NOT NULL REFERENCES parts (id),
    part_name        TEXT    NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents > 0),
    line_total_cents INTEGER NOT NULL CHECK (line_total_cents = quantity * unit_price_cents)
) STRICT;
CREATE INDEX purchases_order ON purchases (order_id);
CREATE INDEX purchases_part ON purchases (part_id);

-- The cart lives on the server, so it survives logout and other devices.
CREATE TABLE cart_items (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    part_id  INTEGER NOT NULL REFERENCES parts (id) ON DELETE CASCADE,
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    added_at INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (user_id, part_id)
) STRICT, WITHOUT ROWID;

-- Sessions of tower-sessions' SQLite store, in exactly the shape its own migrate() creates.
-- Not STRICT: the store writes expiry_date as an RFC 3339 text timestamp.
CREATE TABLE tower_sessions (
    id          TEXT    PRIMARY KEY NOT NULL,
    data        BLOB    NOT NULL,
    expiry_date INTEGER NOT NULL
);
CREATE INDEX tower_sessions_expiry ON tower_sessions (expiry_date);
