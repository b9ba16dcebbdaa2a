-- Checkouts: one row per placed checkout, keyed by the idempotency key the cart form carries.
-- A replayed or double-submitted form finds its checkout here and gets the orders it already
-- created instead of a second set. One checkout makes one order per supplier.
CREATE TABLE checkouts (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES users (id),
    idempotency_key TEXT    NOT NULL CHECK (length(idempotency_key) BETWEEN 16 AND 64),
    created_at      INTEGER NOT NULL DEFAULT (unixepoch()),
    UNIQUE (customer_id, idempotency_key)
) STRICT;

-- Which checkout made an order (NULL never happens for orders placed through checkout).
ALTER TABLE orders ADD COLUMN checkout_id INTEGER REFERENCES checkouts (id);
CREATE INDEX orders_checkout ON orders (checkout_id);
