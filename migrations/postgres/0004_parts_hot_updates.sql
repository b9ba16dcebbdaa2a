-- A part's stock changes with every order (and back when an unpaid order expires). With full
-- pages, each such update writes the row to another page and inserts it into all ten indexes
-- of `parts`, the word index's forty-odd entries among them. A tenth of each page kept free
-- lets PostgreSQL update the row in place (a HOT update: no indexed column changes), so a
-- checkout writes one page per part and no index. It applies to pages written from now on.
ALTER TABLE parts SET (fillfactor = 90);
