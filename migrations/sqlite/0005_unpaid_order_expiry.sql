-- Unpaid orders expire (security review: one customer could hold all the stock forever).
--
-- Checkout takes the stock at once. An order still awaiting payment when its deadline passes
-- is now cancelled by a background task and its stock put back on sale. The deadline is not
-- stored: it is created_at plus the shop's payment window (PARTWATCH_PAYMENT_DAYS), so every
-- order, whichever way it was written, has one.

-- 1. Why an order was cancelled: 'customer' (its customer cancelled before paying) or
--    'not_paid' (still unpaid at its deadline). NULL while an order is not cancelled. Orders
--    cancelled before this migration were all cancelled by their customer.
ALTER TABLE orders ADD COLUMN cancel_reason TEXT
    CHECK (cancel_reason IS NULL OR (cancel_reason IN ('customer', 'not_paid')
                                     AND status = 'cancelled'));
UPDATE orders SET cancel_reason = 'customer' WHERE status = 'cancelled';

-- 2. Only unpaid orders, in two small partial indexes (the expiry keeps the set small: no
--    unpaid order outlives the payment window by more than one run of the expiry):
--    - the expiry finds those past their deadline, oldest first;
--    - checkout sums the units one customer holds unpaid per part (the cap on holding).
--    Queries name the status as a literal, which is what lets SQLite use a partial index.
CREATE INDEX orders_unpaid_by_age ON orders (created_at) WHERE status = 'awaiting_payment';
CREATE INDEX orders_unpaid_by_customer ON orders (customer_id)
    WHERE status = 'awaiting_payment';
