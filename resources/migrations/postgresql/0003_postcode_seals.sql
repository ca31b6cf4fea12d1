-- The warehouse on PostgreSQL, version 3: the postcode dictionary is sealed, as in the SQLite schema's
-- version 6 (resources/migrations/0006_postcode_seals.sql, which says why). The migration's C++ step seals
-- the rows already there.
ALTER TABLE postcodes ADD COLUMN seal bigint;
