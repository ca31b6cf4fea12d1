-- Warehouse schema, version 1. Times are integers: seconds since the Unix epoch (naive UTC) for
-- as-of and validity bounds, hours since the epoch for pageview hours.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE postcodes (
    id       INTEGER PRIMARY KEY,
    postcode TEXT NOT NULL UNIQUE
);
INSERT INTO postcodes (id, postcode) VALUES (0, 'UNKNOWN');

CREATE TABLE load_runs (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('users', 'pageviews', 'unknown')),
    file           TEXT NOT NULL,
    content_hash   TEXT,
    window_hour    INTEGER,            -- pageviews: the hour the file is for
    as_of          INTEGER,            -- users: the snapshot's as-of
    started_at     INTEGER NOT NULL,   -- ms since the epoch
    finished_at    INTEGER,
    rows_read      INTEGER NOT NULL DEFAULT 0,
    rows_loaded    INTEGER NOT NULL DEFAULT 0,
    rows_rejected  INTEGER NOT NULL DEFAULT 0,
    late_rows      INTEGER NOT NULL DEFAULT 0,
    users_added    INTEGER NOT NULL DEFAULT 0,
    users_moved    INTEGER NOT NULL DEFAULT 0,
    users_removed  INTEGER NOT NULL DEFAULT 0,
    facts_reattributed INTEGER NOT NULL DEFAULT 0,
    replaced_run   INTEGER,            -- the earlier run this load replaced
    replaced_by    INTEGER,            -- the later run that replaced this one
    status         TEXT NOT NULL CHECK (status IN
                       ('running', 'succeeded', 'failed', 'cancelled', 'refused', 'interrupted', 'replaced')),
    error          TEXT,
    pid            INTEGER             -- the process running the load, to tell a live load from a crashed one
);
CREATE INDEX load_runs_hash ON load_runs (content_hash) WHERE status = 'succeeded';

CREATE TABLE load_rejects (
    run_id INTEGER NOT NULL,
    line   INTEGER NOT NULL,
    reason TEXT NOT NULL,
    raw    TEXT NOT NULL,
    PRIMARY KEY (run_id, line)
) WITHOUT ROWID;

-- One row per loaded users snapshot (the live run for each as-of).
CREATE TABLE snapshots (
    as_of  INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    users  INTEGER NOT NULL
);

-- SCD type 2: a user had postcode_id from valid_from until valid_to (NULL while current).
CREATE TABLE user_postcode_history (
    user_id     INTEGER NOT NULL,
    valid_from  INTEGER NOT NULL,
    valid_to    INTEGER,
    postcode_id INTEGER NOT NULL,
    PRIMARY KEY (user_id, valid_from)
) WITHOUT ROWID;
-- Who moved in to / out of a postcode over a range. Led by time, so a snapshot's new and closed periods
-- land at the end of these indexes instead of all over them.
CREATE INDEX user_postcode_history_from ON user_postcode_history (valid_from, postcode_id);
CREATE INDEX user_postcode_history_to ON user_postcode_history (valid_to, postcode_id) WHERE valid_to IS NOT NULL;

-- How many users have each postcode as their current one (kept by the snapshot loads' deltas).
CREATE TABLE postcode_current_users (
    postcode_id INTEGER PRIMARY KEY,
    users       INTEGER NOT NULL
);

-- current(u) for every user ever seen: one compact sorted array (user id, current postcode, in the newest
-- snapshot) in blocks of packed little-endian arrays, read whole by every load (UserDirectory).
CREATE TABLE user_directory_blocks (
    block      INTEGER PRIMARY KEY,
    first_user INTEGER NOT NULL,
    users      INTEGER NOT NULL,
    data       BLOB NOT NULL
);

-- Pageviews per (load, user, hour) with the at-time postcode (FactStore): each load's facts sorted by
-- user and hour, in segments of up to 65,536 facts packed into a blob of four arrays (user ids u64, hours
-- i64, postcode ids u32, views u32, little-endian). A user's facts never straddle two segments.
CREATE TABLE pageview_fact_segments (
    id         INTEGER PRIMARY KEY,
    load_id    INTEGER NOT NULL,
    first_user INTEGER NOT NULL,
    last_user  INTEGER NOT NULL,
    facts      INTEGER NOT NULL,
    data       BLOB NOT NULL
);
CREATE INDEX pageview_fact_segments_load ON pageview_fact_segments (load_id, first_user);

-- Pageviews each live load brought per hour, as counted by the reader: the reconciliation's baseline.
CREATE TABLE load_hour_views (
    run_id INTEGER NOT NULL,
    hour   INTEGER NOT NULL,
    views  INTEGER NOT NULL,
    PRIMARY KEY (run_id, hour)
) WITHOUT ROWID;
CREATE INDEX load_hour_views_hour ON load_hour_views (hour);

-- The live load of each pageviews window (hour).
CREATE TABLE pageview_windows (
    hour   INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL
);

CREATE TABLE views_at_time_hourly (
    hour        INTEGER NOT NULL,
    postcode_id INTEGER NOT NULL,
    views       INTEGER NOT NULL,
    PRIMARY KEY (hour, postcode_id)
) WITHOUT ROWID;
CREATE INDEX views_at_time_hourly_postcode ON views_at_time_hourly (postcode_id, hour, views); -- covering

CREATE TABLE views_current_hourly (
    hour        INTEGER NOT NULL,
    postcode_id INTEGER NOT NULL,
    views       INTEGER NOT NULL,
    PRIMARY KEY (hour, postcode_id)
) WITHOUT ROWID;
CREATE INDEX views_current_hourly_postcode ON views_current_hourly (postcode_id, hour, views); -- covering

-- Day rollups of the two hourly aggregates, kept in the same transaction: day, week and month answers and
-- top-N rankings read 24 times fewer rows.
CREATE TABLE views_at_time_daily (
    day         INTEGER NOT NULL,   -- days since the epoch
    postcode_id INTEGER NOT NULL,
    views       INTEGER NOT NULL,
    PRIMARY KEY (day, postcode_id)
) WITHOUT ROWID;
CREATE INDEX views_at_time_daily_postcode ON views_at_time_daily (postcode_id, day, views);

CREATE TABLE views_current_daily (
    day         INTEGER NOT NULL,
    postcode_id INTEGER NOT NULL,
    views       INTEGER NOT NULL,
    PRIMARY KEY (day, postcode_id)
) WITHOUT ROWID;
CREATE INDEX views_current_daily_postcode ON views_current_daily (postcode_id, day, views);
