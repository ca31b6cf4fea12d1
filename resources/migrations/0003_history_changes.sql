-- Version 3: the SCD2 history is stored as the changes between snapshots, clustered by time.
--
-- A user's history is a list of changes: at the as-of of a snapshot the user got a postcode (postcode_id)
-- or left the snapshots (postcode_id NULL). Each change also names the user's change before it
-- (previous_as_of, NULL for the first) and the postcode they had until then (previous_postcode_id, NULL
-- when they had none), so one user's history is a walk back from their newest change, whose as-of the
-- user directory keeps. Keyed by (as_of, user_id), the newest snapshot's changes land at the end of the
-- table: a night with 1.6% of 20M users changed writes a few thousand pages instead of dirtying every page
-- of a table clustered by user. Replaces the user_postcode_history table of version 1, which stays as a
-- view with the same SCD2 rows (valid_to is the as-of of the user's next change).
CREATE TABLE user_postcode_changes (
    as_of                INTEGER NOT NULL,
    user_id              INTEGER NOT NULL,
    postcode_id          INTEGER,
    previous_as_of       INTEGER,
    previous_postcode_id INTEGER,
    PRIMARY KEY (as_of, user_id)
) WITHOUT ROWID;

INSERT INTO user_postcode_changes (as_of, user_id, postcode_id, previous_as_of, previous_postcode_id)
WITH changes (as_of, user_id, postcode_id) AS (
    SELECT valid_from, user_id, postcode_id FROM user_postcode_history
    UNION ALL
    SELECT h.valid_to, h.user_id, NULL FROM user_postcode_history h
    WHERE h.valid_to IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM user_postcode_history n WHERE n.user_id = h.user_id AND n.valid_from = h.valid_to))
SELECT as_of, user_id, postcode_id,
       LAG(as_of) OVER (PARTITION BY user_id ORDER BY as_of),
       LAG(postcode_id) OVER (PARTITION BY user_id ORDER BY as_of)
FROM changes ORDER BY as_of, user_id;

DROP TABLE user_postcode_history;

-- No index by postcode: who moved in to or out of a postcode over a range is found by scanning that
-- range's changes (the key leads with the as-of), so the nightly snapshot does not pay for two more
-- B-trees (2 s of a 20M-user snapshot, measured) to speed up an occasional look-up.

-- The SCD2 rows of docs/contract.md §7, for check and ad-hoc SQL. It reads every change: look one user up
-- through user_postcode_changes (see UserHistory::periods), not through this view.
CREATE VIEW user_postcode_history (user_id, valid_from, valid_to, postcode_id) AS
SELECT user_id, valid_from, valid_to, postcode_id FROM (
    SELECT user_id, postcode_id, as_of AS valid_from,
           LEAD(as_of) OVER (PARTITION BY user_id ORDER BY as_of) AS valid_to
    FROM user_postcode_changes)
WHERE postcode_id IS NOT NULL;

-- The user directory gains each user's newest change, and its blocks a compact layout (described in
-- models/userdirectory.cpp, the one place that reads and writes them): up to 65,536 users a block, sorted
-- by id, at 8 bytes a user. The blocks are rebuilt from the changes by this migration's second step
-- (Warehouse::migrate).
DELETE FROM user_directory_blocks;
