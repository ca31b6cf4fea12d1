-- Warehouse schema, version 5: views for BI tools (Metabase, Superset, a spreadsheet's SQL source), the
-- same names and columns on both engines (docs/bi.md). Each answers both questions at one grain:
--   period_start  the period's first instant, 'YYYY-MM-DD HH:MM:SS' naive UTC (a timestamp on PostgreSQL)
--   postcode      the postcode's text ('UNKNOWN' for users in no snapshot)
--   basis         'current' (the user's postcode now) or 'at-time' (their postcode at the view)
--   pageviews     the count
-- Weeks are ISO weeks (starting Monday), months calendar months. Day, week and month read the day rollups.
CREATE VIEW pageviews_hourly (period_start, postcode, basis, pageviews) AS
SELECT strftime('%Y-%m-%d %H:%M:%S', a.hour * 3600, 'unixepoch'), p.postcode, 'current', a.views
FROM views_current_hourly a JOIN postcodes p ON p.id = a.postcode_id
UNION ALL
SELECT strftime('%Y-%m-%d %H:%M:%S', a.hour * 3600, 'unixepoch'), p.postcode, 'at-time', a.views
FROM views_at_time_hourly a JOIN postcodes p ON p.id = a.postcode_id;

CREATE VIEW pageviews_daily (period_start, postcode, basis, pageviews) AS
SELECT strftime('%Y-%m-%d %H:%M:%S', a.day * 86400, 'unixepoch'), p.postcode, 'current', a.views
FROM views_current_daily a JOIN postcodes p ON p.id = a.postcode_id
UNION ALL
SELECT strftime('%Y-%m-%d %H:%M:%S', a.day * 86400, 'unixepoch'), p.postcode, 'at-time', a.views
FROM views_at_time_daily a JOIN postcodes p ON p.id = a.postcode_id;

-- 1970-01-01 was a Thursday: day + 3 counts days from a Monday.
CREATE VIEW pageviews_weekly (period_start, postcode, basis, pageviews) AS
SELECT strftime('%Y-%m-%d %H:%M:%S', ((day + 3) / 7 * 7 - 3) * 86400, 'unixepoch'), postcode, basis, SUM(pageviews)
FROM (SELECT a.day, p.postcode, 'current' AS basis, a.views AS pageviews
      FROM views_current_daily a JOIN postcodes p ON p.id = a.postcode_id
      UNION ALL
      SELECT a.day, p.postcode, 'at-time', a.views FROM views_at_time_daily a JOIN postcodes p ON p.id = a.postcode_id)
GROUP BY 1, 2, 3;

CREATE VIEW pageviews_monthly (period_start, postcode, basis, pageviews) AS
SELECT strftime('%Y-%m-01 00:00:00', day * 86400, 'unixepoch'), postcode, basis, SUM(pageviews)
FROM (SELECT a.day, p.postcode, 'current' AS basis, a.views AS pageviews
      FROM views_current_daily a JOIN postcodes p ON p.id = a.postcode_id
      UNION ALL
      SELECT a.day, p.postcode, 'at-time', a.views FROM views_at_time_daily a JOIN postcodes p ON p.id = a.postcode_id)
GROUP BY 1, 2, 3;
