-- The warehouse on PostgreSQL, version 1: the same tables, columns and meanings as the SQLite schema at
-- its version 4 (resources/migrations/0001-0004), in the schema pvadmin. Times are integers: seconds since
-- the Unix epoch (naive UTC) for as-ofs, hours since the epoch for pageview hours, days for day rollups,
-- milliseconds for a run's start and finish. Blobs (fact segments, user directory blocks) have the layouts
-- the SQLite migrations describe, byte for byte.

CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- Postcodes compare byte by byte (COLLATE "C"), as SQLite's do: a prefix search is a range of the index.
CREATE TABLE postcodes (
    id       bigint PRIMARY KEY,
    postcode text COLLATE "C" NOT NULL UNIQUE
);
INSERT INTO postcodes (id, postcode) VALUES (0, 'UNKNOWN');

CREATE TABLE load_runs (
    id             bigserial PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('users', 'pageviews', 'unknown')),
    file           text NOT NULL,
    content_hash   text,
    window_hour    bigint,            -- pageviews: the instant (seconds) the file's hour starts
    as_of          bigint,            -- users: the snapshot's as-of
    started_at     bigint NOT NULL,   -- ms since the epoch
    finished_at    bigint,
    rows_read      bigint NOT NULL DEFAULT 0,
    rows_loaded    bigint NOT NULL DEFAULT 0,
    rows_rejected  bigint NOT NULL DEFAULT 0,
    late_rows      bigint NOT NULL DEFAULT 0,
    users_added    bigint NOT NULL DEFAULT 0,
    users_moved    bigint NOT NULL DEFAULT 0,
    users_removed  bigint NOT NULL DEFAULT 0,
    facts_reattributed bigint NOT NULL DEFAULT 0,
    replaced_run   bigint,
    replaced_by    bigint,
    status         text NOT NULL CHECK (status IN
                       ('running', 'succeeded', 'failed', 'cancelled', 'refused', 'interrupted', 'replaced')),
    error          text,
    pid            bigint,            -- the client process running the load
    host           text               -- the machine it runs on: clients load from several
);
CREATE INDEX load_runs_hash ON load_runs (content_hash) WHERE status = 'succeeded';
CREATE INDEX load_runs_running ON load_runs (id) WHERE status = 'running';

CREATE TABLE load_rejects (
    run_id bigint NOT NULL,
    line   bigint NOT NULL,
    reason text NOT NULL,
    raw    bytea NOT NULL,
    PRIMARY KEY (run_id, line)
);

CREATE TABLE snapshots (
    as_of  bigint PRIMARY KEY,
    run_id bigint NOT NULL,
    users  bigint NOT NULL
);

-- The SCD2 history as changes between snapshots (see the SQLite migration 0003), keyed by as-of first so
-- a night's changes land together.
CREATE TABLE user_postcode_changes (
    as_of                bigint NOT NULL,
    user_id              bigint NOT NULL,
    postcode_id          bigint,
    previous_as_of       bigint,
    previous_postcode_id bigint,
    PRIMARY KEY (as_of, user_id)
);

CREATE VIEW user_postcode_history (user_id, valid_from, valid_to, postcode_id) AS
SELECT user_id, valid_from, valid_to, postcode_id FROM (
    SELECT user_id, postcode_id, as_of AS valid_from,
           LEAD(as_of) OVER (PARTITION BY user_id ORDER BY as_of) AS valid_to
    FROM user_postcode_changes) changes
WHERE postcode_id IS NOT NULL;

CREATE TABLE postcode_current_users (
    postcode_id bigint PRIMARY KEY,
    users       bigint NOT NULL
);

CREATE TABLE user_directory_blocks (
    block      bigint PRIMARY KEY,
    first_user bigint NOT NULL,
    users      bigint NOT NULL,
    data       bytea NOT NULL
);
-- The blocks are packed already: stored out of line as they are, not compressed again (pglz on 160 MB of
-- blocks cost seconds of every nightly snapshot).
ALTER TABLE user_directory_blocks ALTER COLUMN data SET STORAGE EXTERNAL;

-- Each load's facts in segments of up to 65,536 (FactSegmentView); bytea beyond 2 kB is stored out of
-- line and compressed already, so the packed columns are kept as they are (STORAGE EXTERNAL).
CREATE TABLE pageview_fact_segments (
    id         bigserial PRIMARY KEY,
    load_id    bigint NOT NULL,
    first_user bigint NOT NULL,
    last_user  bigint NOT NULL,
    facts      bigint NOT NULL,
    format     bigint NOT NULL DEFAULT 2,
    data       bytea NOT NULL
);
ALTER TABLE pageview_fact_segments ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE INDEX pageview_fact_segments_load ON pageview_fact_segments (load_id, first_user);

CREATE TABLE load_hour_views (
    run_id bigint NOT NULL,
    hour   bigint NOT NULL,
    views  bigint NOT NULL,
    PRIMARY KEY (run_id, hour)
);
CREATE INDEX load_hour_views_hour ON load_hour_views (hour);

CREATE TABLE pageview_windows (
    hour   bigint PRIMARY KEY,
    run_id bigint NOT NULL
);

-- The aggregates, keyed by period; a second index leads with a bucket of periods (a day of hours, 32 days
-- of days) so a load writes to the newest bucket's pages and a query for a postcode seeks once a bucket
-- (the SQLite migration 0004 explains the choice). Integer division truncates in both engines.
CREATE TABLE views_at_time_hourly (
    hour        bigint NOT NULL,
    postcode_id bigint NOT NULL,
    views       bigint NOT NULL,
    PRIMARY KEY (hour, postcode_id)
);
CREATE INDEX views_at_time_hourly_bucket ON views_at_time_hourly ((hour / 24), postcode_id, hour) INCLUDE (views);

CREATE TABLE views_current_hourly (
    hour        bigint NOT NULL,
    postcode_id bigint NOT NULL,
    views       bigint NOT NULL,
    PRIMARY KEY (hour, postcode_id)
);
CREATE INDEX views_current_hourly_bucket ON views_current_hourly ((hour / 24), postcode_id, hour) INCLUDE (views);

CREATE TABLE views_at_time_daily (
    day         bigint NOT NULL,
    postcode_id bigint NOT NULL,
    views       bigint NOT NULL,
    PRIMARY KEY (day, postcode_id)
);
CREATE INDEX views_at_time_daily_bucket ON views_at_time_daily ((day / 32), postcode_id, day) INCLUDE (views);

CREATE TABLE views_current_daily (
    day         bigint NOT NULL,
    postcode_id bigint NOT NULL,
    views       bigint NOT NULL,
    PRIMARY KEY (day, postcode_id)
);
CREATE INDEX views_current_daily_bucket ON views_current_daily ((day / 32), postcode_id, day) INCLUDE (views);
