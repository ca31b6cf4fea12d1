-- Version 4: the lock loads serialise on is one only a writer can take, and the read-only roles are this
-- warehouse's own.
--
-- Loads took a session-wide advisory lock, which any role may take: a BI login holding it stopped every load.
-- A load now locks the one row of load_lock (SELECT ... FOR UPDATE), which needs UPDATE on the table: granted
-- to nobody but the owner (and roles an administrator lets load). The row lock ends with the load's
-- transaction, as the advisory lock did; a waiting load names the holder from the row's locker.
CREATE TABLE load_lock (
    id integer PRIMARY KEY CHECK (id = 1)
);
INSERT INTO load_lock (id) VALUES (1);

-- Roles are the server's, not a database's: a member of pvadmin_bi could read the views of every warehouse on
-- the server. Each warehouse now has its own pair, named after its database (docs/bi.md):
--   pvadmin_bi_<database>      USAGE on the schema, SELECT on the four BI views only
--   pvadmin_reader_<database>  SELECT on every table of the schema: analysts' desktops, which load nothing
-- and the server-wide pvadmin_bi and pvadmin_reader are no longer granted anything here. A warehouse that
-- is being upgraded (version 2 applied by an earlier transaction) keeps its readers: the members of the
-- server-wide roles become members of its own, so nobody loses what they could read the day before. A new
-- warehouse starts with no members. When this user may not create roles, the grants stay as they were and
-- the server's log says so; an administrator runs this file's statements.
DO $$
DECLARE
    bi text := left('pvadmin_bi_' || current_database(), 63);
    reader text := left('pvadmin_reader_' || current_database(), 63);
    upgrading boolean := EXISTS (SELECT 1 FROM schema_migrations WHERE version = 2 AND applied_at < now());
    member text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = bi) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', bi);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = reader) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', reader);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA pvadmin TO %I, %I', bi, reader);
    EXECUTE format('GRANT SELECT ON pageviews_hourly, pageviews_daily, pageviews_weekly, pageviews_monthly TO %I', bi);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA pvadmin TO %I', reader);
    IF upgrading THEN
        FOR member IN SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid
                      JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = 'pvadmin_bi' LOOP
            EXECUTE format('GRANT %I TO %I', bi, member);
        END LOOP;
        FOR member IN SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid
                      JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = 'pvadmin_reader' LOOP
            EXECUTE format('GRANT %I TO %I', reader, member);
        END LOOP;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pvadmin_bi') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA pvadmin FROM pvadmin_bi;
        REVOKE USAGE ON SCHEMA pvadmin FROM pvadmin_bi;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pvadmin_reader') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA pvadmin FROM pvadmin_reader;
        REVOKE USAGE ON SCHEMA pvadmin FROM pvadmin_reader;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'the roles of warehouse % were not created: this user cannot create roles; the grants stay as they were',
        current_database();
END
$$;
