-- Warehouse schema, version 4: the aggregates' postcode indexes lead with a time bucket, so a load writes
-- to the newest bucket's pages instead of one leaf per postcode spread over all history.
--
-- Version 1 indexed each aggregate by (postcode, period): a query for a few postcodes read one range each,
-- but every hourly load added one entry under every postcode it counted, each in a leaf of its own once a
-- postcode's entries filled a page (after about two weeks), so a load read and wrote ~3,000 leaves per
-- table from an index that outgrows the cache, and its commit grew with the history held.
--
-- Now the hourly tables' index leads with the day (hour / 24) and the daily tables' with a 32-day bucket
-- (day / 32): a load's entries for one postcode sit beside the other postcodes' in the current bucket, a
-- few hundred pages that stay in cache, however long the history. A query for a postcode seeks once per
-- bucket in its range (365 seeks for a year of hours, 12 for a year of days) and reads its rows in order.
-- The expressions use SQLite's integer division; the queries compute the same buckets.
DROP INDEX views_at_time_hourly_postcode;
DROP INDEX views_current_hourly_postcode;
DROP INDEX views_at_time_daily_postcode;
DROP INDEX views_current_daily_postcode;

CREATE INDEX views_at_time_hourly_bucket ON views_at_time_hourly (hour / 24, postcode_id, hour, views);
CREATE INDEX views_current_hourly_bucket ON views_current_hourly (hour / 24, postcode_id, hour, views);
CREATE INDEX views_at_time_daily_bucket ON views_at_time_daily (day / 32, postcode_id, day, views);
CREATE INDEX views_current_daily_bucket ON views_current_daily (day / 32, postcode_id, day, views);
