-- Version 2: the views for BI tools, with the same names and columns as on SQLite (its migration 0005 and
-- docs/bi.md); period_start is a timestamp without time zone, naive UTC. Weeks are ISO weeks
-- (date_trunc('week') starts on Monday), months calendar months; day, week and month read the day rollups.
CREATE VIEW pageviews_hourly (period_start, postcode, basis, pageviews) AS
SELECT to_timestamp(a.hour * 3600) AT TIME ZONE 'UTC', p.postcode, 'current'::text, a.views
FROM views_current_hourly a JOIN postcodes p ON p.id = a.postcode_id
UNION ALL
SELECT to_timestamp(a.hour * 3600) AT TIME ZONE 'UTC', p.postcode, 'at-time', a.views
FROM views_at_time_hourly a JOIN postcodes p ON p.id = a.postcode_id;

CREATE VIEW pageviews_daily (period_start, postcode, basis, pageviews) AS
SELECT to_timestamp(a.day * 86400) AT TIME ZONE 'UTC', p.postcode, 'current'::text, a.views
FROM views_current_daily a JOIN postcodes p ON p.id = a.postcode_id
UNION ALL
SELECT to_timestamp(a.day * 86400) AT TIME ZONE 'UTC', p.postcode, 'at-time', a.views
FROM views_at_time_daily a JOIN postcodes p ON p.id = a.postcode_id;

CREATE VIEW pageviews_weekly (period_start, postcode, basis, pageviews) AS
SELECT date_trunc('week', period_start), postcode, basis, SUM(pageviews)::bigint
FROM pageviews_daily GROUP BY 1, 2, 3;

CREATE VIEW pageviews_monthly (period_start, postcode, basis, pageviews) AS
SELECT date_trunc('month', period_start), postcode, basis, SUM(pageviews)::bigint
FROM pageviews_daily GROUP BY 1, 2, 3;

-- Two roles an administrator grants to people (docs/bi.md): BI tools see the views only; analysts' desktops
-- read everything and load nothing. NOLOGIN group roles, created once per server.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pvadmin_bi') THEN
        CREATE ROLE pvadmin_bi NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pvadmin_reader') THEN
        CREATE ROLE pvadmin_reader NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'the roles pvadmin_bi and pvadmin_reader were not created: this user cannot create roles';
END
$$;
DO $$
BEGIN
    GRANT USAGE ON SCHEMA pvadmin TO pvadmin_bi, pvadmin_reader;
    GRANT SELECT ON pageviews_hourly, pageviews_daily, pageviews_weekly, pageviews_monthly TO pvadmin_bi;
    GRANT SELECT ON ALL TABLES IN SCHEMA pvadmin TO pvadmin_reader;
EXCEPTION WHEN undefined_object THEN
    NULL; -- the roles could not be created
END
$$;
