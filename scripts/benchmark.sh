#!/usr/bin/env bash
# Seed-scale benchmark (not part of the test run). Builds pvadmin in Release, generates seed-scale
# extracts, and reports wall seconds, rows/s and peak resident memory for each step, next to the
# sqlite3 shell doing the naive version of the same work on the same files.
# Usage: scripts/benchmark.sh [WORKDIR]   (needs ~5 GB of free disk in WORKDIR; default /tmp/pvadmin-bench)
#        BENCH_SECTIONS="loads shell queries" chooses the parts to run; BENCH_USERS, BENCH_PAGEVIEWS and
#        BENCH_HOURS shrink the scale for a quick try.
#        BENCH_SECTIONS=postgresql runs the seed-scale loads, check and queries on a PostgreSQL 15 server of its own
#        (scripts/pg-test-server.sh, durable: fsync and synchronous_commit on), next to psql doing the naive
#        version (COPY into staging, INSERT ... SELECT join, GROUP BY) on the same files, with the server's
#        table sizes.
#        BENCH_SECTIONS=growth runs the growth scenario instead (about 30 minutes): GROWTH_DAYS days (60) on one
#        warehouse, each a users snapshot of GROWTH_USERS (200,000, 1% moving a day) then GROWTH_HOURS hourly
#        loads (24) of GROWTH_VIEWS rows (42,000), one process per load; per day it prints the snapshot's time,
#        one hourly load's time (the middle hour) and the warehouse's size, and closes with the ratios of the
#        medians of days 57-59 to days 2-4.
#        BENCH_SECTIONS=compare BENCH_BEFORE=/path/to/an/older/pvadmin compares reading speed with an older build
#        (a Release build of another commit): both load the same files (a 2,000,000-user snapshot, a
#        4,200,000-row hour plain and as .csv.gz) into a new warehouse each time, alternating, BENCH_ROUNDS rounds
#        (2); this build also loads the hour as another pipeline writes it (tab-separated, its own column names,
#        read with --columns).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/pvadmin-bench}
build=$root/build-release
users=${BENCH_USERS:-20000000}
views=${BENCH_PAGEVIEWS:-4200000}
hours=${BENCH_HOURS:-24}

sections=${BENCH_SECTIONS:-loads shell queries}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPVADMIN_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target pvadmin >/dev/null
pvadmin=$build/app/pvadmin
rm -rf "$work" && mkdir -p "$work/x" "$work/g"
db=$work/warehouse.sqlite
gen=(--users "$users" --days 2 --pageviews-per-hour "$views" --move-rate 0.01 --new-rate 0.005 --remove-rate 0.001 --seed 1)

# step NAME ROWS COMMAND...: runs the command, prints seconds, rows/s and peak RSS.
step() {
    local name=$1 rows=$2; shift 2
    if ! /usr/bin/time -o "$work/time" -f "%e %M" "$@" >"$work/stdout" 2>"$work/stderr"; then
        echo "FAILED: $name" >&2
        cat "$work/stderr" >&2
        exit 1
    fi
    read -r secs kb <"$work/time"
    awk -v n="$name" -v r="$rows" -v s="$secs" -v k="$kb" \
        'BEGIN { printf "%-62s %8.2f s %10s rows/s %7.0f MiB\n", n, s, (s > 0 && r > 0) ? sprintf("%.0f", r / s) : "-", k / 1024 }'
}

# seed_loads DB: the day of seed-scale loads every engine is measured on: the day-0 snapshot, $hours hourly
# loads (the first and the last timed, the first with its stages), the day-1 snapshot with 1% moved (with its
# stages), then check.
seed_loads() {
    local db=$1 h
    step "users snapshot day 0 ($users new users, setup)" "$users" "$pvadmin" --db "$db" load "$day0"
    step "hourly load 1 of $hours ($views rows)" "$views" env PVADMIN_STAGE_TIMES=1 "$pvadmin" --db "$db" load "$hour0"
    sed -n 's/^stage /    stage: /p' "$work/stderr"
    for ((h = 1; h < hours - 1; h++)); do
        "$pvadmin" generate "${gen[@]}" --stdout pageviews --day 0 --hour "$h" | "$pvadmin" --db "$db" load - >/dev/null
    done
    "$pvadmin" generate "${gen[@]}" --stdout pageviews --day 0 --hour $((hours - 1)) >"$work/x/last_hour.csv"
    step "hourly load $hours of $hours ($views rows, after $((hours - 1)) hours)" "$views" "$pvadmin" --db "$db" load "$work/x/last_hour.csv"
    step "users snapshot day 1 ($day1rows rows, 1% moved, vs 1 day of facts)" "$day1rows" \
        env PVADMIN_STAGE_TIMES=1 "$pvadmin" --db "$db" load "$day1"
    sed -n 's/^stage /    stage: /p' "$work/stderr"
    step "check (recompute everything from facts and history, $hours hours)" 0 "$pvadmin" --db "$db" check
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "sqlite $(sqlite3 --version | cut -d' ' -f1), pvadmin $(git -C "$root" rev-parse --short HEAD)"
echo
if [[ $sections == *loads* || $sections == *shell* || $sections == *postgresql* ]]; then
"$pvadmin" generate --out "$work/x" "${gen[@]}" --hours-per-day 1 >/dev/null
day0=$work/x/users_extract_2024-03-01.csv
day1=$work/x/users_extract_2024-03-02.csv
hour0=$work/x/pageviews_2024-03-01T00.csv
day1rows=$(($(wc -l <"$day1") - 1))

fi
if [[ $sections == *loads* ]]; then
echo "== pvadmin (SQLite, WAL, synchronous=FULL; everything included: both aggregates, history, run record)"
seed_loads "$db"
step "check --from --to (the first hour only)" 0 "$pvadmin" --db "$db" check --from "2024-03-01 00:00:00" --to "2024-03-01 01:00:00"
step "generate --stdout | load - ($views rows, nothing on disk)" "$views" \
    bash -c "'$pvadmin' generate ${gen[*]} --stdout pageviews --day 1 --hour 0 | '$pvadmin' --db '$db' load -"
echo

fi
if [[ $sections == *shell* ]]; then
echo "== sqlite3 shell, naive: .import into staging, then SQL (same files, same machine)"
shell=$work/shell.sqlite
rm -f "$shell"
sqlite3 "$shell" "PRAGMA journal_mode=WAL;" >/dev/null
step "sqlite3: users day 0 .import + users_current" "$users" sqlite3 "$shell" \
    ".import --csv '$day0' staging_users" \
    "CREATE TABLE users_current (user_id INTEGER PRIMARY KEY, postcode TEXT)" \
    "INSERT INTO users_current SELECT CAST(id AS INTEGER), upper(trim(postcode)) FROM staging_users" \
    "DROP TABLE staging_users"
step "sqlite3: hourly .import + join + insert + GROUP BY" "$views" sqlite3 "$shell" \
    ".import --csv '$hour0' staging_views" \
    "CREATE TABLE IF NOT EXISTS pageview_facts (user_id INTEGER, hour INTEGER, postcode TEXT, views INTEGER)" \
    "INSERT INTO pageview_facts SELECT CAST(v.user_id AS INTEGER), CAST(strftime('%s', v.pageview_datetime) AS INTEGER) / 3600, COALESCE(u.postcode, 'UNKNOWN'), COUNT(*) FROM staging_views v LEFT JOIN users_current u ON u.user_id = CAST(v.user_id AS INTEGER) GROUP BY 1, 2, 3" \
    "CREATE TABLE IF NOT EXISTS views_hourly (hour INTEGER, postcode TEXT, views INTEGER)" \
    "INSERT INTO views_hourly SELECT hour, postcode, SUM(views) FROM pageview_facts GROUP BY 1, 2" \
    "DROP TABLE staging_views"
step "sqlite3: users day 1 .import + SQL diff (import + diff only)" "$day1rows" sqlite3 "$shell" \
    ".import --csv '$day1' staging_users" \
    "CREATE TABLE changes AS SELECT CAST(n.id AS INTEGER) AS user_id, o.postcode AS old, upper(trim(n.postcode)) AS new FROM staging_users n LEFT JOIN users_current o ON o.user_id = CAST(n.id AS INTEGER) WHERE o.postcode IS NOT upper(trim(n.postcode))" \
    "INSERT INTO changes SELECT o.user_id, o.postcode, NULL FROM users_current o WHERE o.user_id NOT IN (SELECT CAST(id AS INTEGER) FROM staging_users)"
echo

fi
if [[ $sections == *queries* ]]; then
echo "== queries on a year of hourly aggregates for 3,000 postcodes (aggregates and day rollups built directly with SQL)"
qdb=$work/queries.sqlite
rm -f "$qdb"
"$pvadmin" --db "$qdb" init >/dev/null
sqlite3 "$qdb" <<'SQL'
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO postcodes (id, postcode) SELECT i, 'Q' || (i % 10) || ' ' || (i % 9) || char(65 + i % 26) || char(65 + (i / 26) % 26) FROM n;
WITH RECURSIVE h(hour) AS (SELECT 473352 UNION ALL SELECT hour + 1 FROM h WHERE hour < 473352 + 8783)
INSERT INTO views_current_hourly (hour, postcode_id, views)
SELECT h.hour, p.id, 1 + ((h.hour * 7 + p.id * 13) % 97) FROM h, postcodes p WHERE p.id > 0;
INSERT INTO views_at_time_hourly SELECT * FROM views_current_hourly;
INSERT INTO views_current_daily SELECT hour / 24, postcode_id, SUM(views) FROM views_current_hourly GROUP BY 1, 2;
INSERT INTO views_at_time_daily SELECT * FROM views_current_daily;
INSERT INTO pageview_windows (hour, run_id) WITH RECURSIVE h(hour) AS (SELECT 473352 UNION ALL SELECT hour + 1 FROM h WHERE hour < 473352 + 8783) SELECT hour, 0 FROM h;
SQL
pcs=$(sqlite3 "$qdb" "SELECT group_concat('--postcode ''' || postcode || '''', ' ') FROM (SELECT postcode FROM postcodes WHERE id BETWEEN 1 AND 20)")
for grain in hour day week month; do
    step "report --grain $grain, 20 postcodes, a year" 0 bash -c "'$pvadmin' --db '$qdb' report --basis current --grain $grain --from 2024-01-01 --to 2025-01-01 $pcs"
done
step "report --grain month, all postcodes, one month (top 50 = sort of this)" 0 \
    bash -c "'$pvadmin' --db '$qdb' report --basis at-time --grain month --from 2024-06-01 --to 2024-07-01 | sort -t, -k3,3nr | head -n 50"
fi
if [[ $sections == *postgresql* ]]; then
pgdir=$work/pg
# Durable like the SQLite runs (synchronous=FULL), with memory for a 24 GiB machine.
PG_SERVER_SETTINGS=$'fsync = on\nsynchronous_commit = on\nfull_page_writes = on\nshared_buffers = 4GB\nwork_mem = 256MB\nmaintenance_work_mem = 1GB\nmax_wal_size = 16GB\ncheckpoint_timeout = 30min' \
    "$root/scripts/pg-test-server.sh" start "$pgdir" >/dev/null
trap '"$root/scripts/pg-test-server.sh" stop "$pgdir" >/dev/null 2>&1 || true' EXIT
server=$(cat "$pgdir/url")
psql -q "$server" -c "CREATE DATABASE bench" -c "CREATE DATABASE naive" -c "CREATE DATABASE queries"
pgdb=${server%/postgres}/bench
naive=${server%/postgres}/naive
echo "== pvadmin (PostgreSQL $(psql -Atq "$server" -c 'SHOW server_version'), fsync and synchronous_commit on, same machine over TCP)"
"$pvadmin" --db "$pgdb" init >/dev/null
step "start-up and connection alone (pvadmin runs, no runs yet)" 0 "$pvadmin" --db "$pgdb" runs
seed_loads "$pgdb"
echo "the server's biggest tables (with indexes and TOAST):"
psql -Atq "$pgdb" -F $'\t' -c "SELECT c.relname, pg_size_pretty(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'pvadmin' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 8" \
    | awk -F'\t' '{ printf "    %-28s %s\n", $1, $2 }'
echo
echo "== psql, naive: COPY into staging, then SQL (same files, same server)"
step "psql: users day 0 COPY + users_current" "$users" psql -q -v ON_ERROR_STOP=1 "$naive" \
    -c "CREATE TABLE staging_users (id text, postcode text)" \
    -c "\\copy staging_users FROM '$day0' WITH (FORMAT csv, HEADER true)" \
    -c "CREATE TABLE users_current (user_id bigint PRIMARY KEY, postcode text)" \
    -c "INSERT INTO users_current SELECT id::bigint, upper(trim(postcode)) FROM staging_users" \
    -c "DROP TABLE staging_users"
step "psql: hourly COPY + join + insert + GROUP BY" "$views" psql -q -v ON_ERROR_STOP=1 "$naive" \
    -c "CREATE TABLE staging_views (user_id text, url text, pageview_datetime text)" \
    -c "\\copy staging_views FROM '$hour0' WITH (FORMAT csv, HEADER true)" \
    -c "CREATE TABLE IF NOT EXISTS pageview_facts (user_id bigint, hour bigint, postcode text, views bigint)" \
    -c "INSERT INTO pageview_facts SELECT v.user_id::bigint, (extract(epoch FROM v.pageview_datetime::timestamp) / 3600)::bigint, COALESCE(u.postcode, 'UNKNOWN'), COUNT(*) FROM staging_views v LEFT JOIN users_current u ON u.user_id = v.user_id::bigint GROUP BY 1, 2, 3" \
    -c "CREATE TABLE IF NOT EXISTS views_hourly (hour bigint, postcode text, views bigint)" \
    -c "INSERT INTO views_hourly SELECT hour, postcode, SUM(views) FROM pageview_facts GROUP BY 1, 2" \
    -c "DROP TABLE staging_views"
echo
echo "== queries on PostgreSQL: a year of hourly aggregates for 3,000 postcodes (built directly with SQL)"
qpg=${server%/postgres}/queries
"$pvadmin" --db "$qpg" init >/dev/null
psql -q -v ON_ERROR_STOP=1 "$qpg" <<'SQL'
SET search_path TO pvadmin;
INSERT INTO postcodes (id, postcode) SELECT i, 'Q' || (i % 10) || ' ' || (i % 9) || chr(65 + i % 26) || chr(65 + (i / 26) % 26) FROM generate_series(1, 3000) i;
INSERT INTO views_current_hourly (hour, postcode_id, views)
SELECT h, p.id, 1 + ((h * 7 + p.id * 13) % 97) FROM generate_series(473352, 473352 + 8783) h, postcodes p WHERE p.id > 0;
INSERT INTO views_at_time_hourly SELECT * FROM views_current_hourly;
INSERT INTO views_current_daily SELECT hour / 24, postcode_id, SUM(views) FROM views_current_hourly GROUP BY 1, 2;
INSERT INTO views_at_time_daily SELECT * FROM views_current_daily;
INSERT INTO pageview_windows (hour, run_id) SELECT h, 0 FROM generate_series(473352, 473352 + 8783) h;
VACUUM ANALYZE;
SQL
pcs=$(psql -Atq "$qpg" -c "SELECT string_agg('--postcode ''' || postcode || '''', ' ') FROM (SELECT postcode FROM pvadmin.postcodes WHERE id BETWEEN 1 AND 20) p")
for grain in hour day week month; do
    step "report --grain $grain, 20 postcodes, a year" 0 bash -c "'$pvadmin' --db '$qpg' report --basis current --grain $grain --from 2024-01-01 --to 2025-01-01 $pcs"
done
echo
fi
if [[ $sections == *growth* ]]; then
gdays=${GROWTH_DAYS:-60}
gusers=${GROWTH_USERS:-200000}
gviews=${GROWTH_VIEWS:-42000}
ghours=${GROWTH_HOURS:-24}
ggen=(--users "$gusers" --pageviews-per-hour "$gviews" --move-rate 0.01 --new-rate 0.005 --remove-rate 0.001 --seed 1)
gdb=$work/growth.sqlite
echo "== growth: $gdays days on one warehouse; each day a users snapshot ($gusers users, 1% moving) then $ghours hourly loads of $gviews rows, one process per load"
# timed COMMAND...: runs it, leaves "seconds MiB" in $timed; fails the benchmark if the command fails.
timed() {
    if ! /usr/bin/time -o "$work/time" -f "%e %M" "$@" >"$work/stdout" 2>"$work/stderr"; then
        echo "FAILED: $*" >&2
        cat "$work/stderr" >&2
        exit 1
    fi
    timed=$(awk '{ printf "%.2f %.0f", $1, $2 / 1024 }' "$work/time")
}
printf "%4s %12s %14s %12s %10s %12s\n" day "snapshot s" "re-attributed" "hourly s" "MiB peak" "warehouse"
: >"$work/growth.tsv"
for ((d = 0; d < gdays; d++)); do
    date=$(date -u -d "2024-03-01 + $d days" +%F)
    snapshot=$work/g/users_extract_$date.csv
    "$pvadmin" generate "${ggen[@]}" --stdout users --day "$d" >"$snapshot"
    timed "$pvadmin" --db "$gdb" load "$snapshot"
    read -r snap_s snap_mib <<<"$timed"
    # The facts the snapshot re-attributed: by the contract, what its cost beyond its own rows grows with.
    moved_facts=$(sqlite3 "$gdb" "SELECT facts_reattributed FROM load_runs WHERE kind = 'users' ORDER BY id DESC LIMIT 1")
    rm -f "$snapshot"
    for ((h = 0; h < ghours; h++)); do
        if ((h == ghours / 2)); then
            hour_file=$work/g/pageviews_${date}T$(printf %02d "$h").csv
            "$pvadmin" generate "${ggen[@]}" --stdout pageviews --day "$d" --hour "$h" >"$hour_file"
            timed "$pvadmin" --db "$gdb" load "$hour_file"
            read -r hour_s hour_mib <<<"$timed"
            rm -f "$hour_file"
        else
            "$pvadmin" generate "${ggen[@]}" --stdout pageviews --day "$d" --hour "$h" | "$pvadmin" --db "$gdb" load - >/dev/null
        fi
    done
    bytes=$(($(stat -c %s "$gdb") + $(stat -c %s "$gdb-wal" 2>/dev/null || echo 0)))
    peak=$((snap_mib > hour_mib ? snap_mib : hour_mib))
    printf "%4d %12s %14s %12s %10s %8.0f MiB\n" $((d + 1)) "$snap_s" "$moved_facts" "$hour_s" "$peak" "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')"
    printf "%d\t%s\t%s\t%s\t%s\n" $((d + 1)) "$snap_s" "$hour_s" "$bytes" "$moved_facts" >>"$work/growth.tsv"
    # check on the growing warehouse: whole at the half-way day and the last, and the last day alone.
    if ((d + 1 == gdays / 2 || d + 1 == gdays)); then
        timed "$pvadmin" --db "$gdb" check
        echo "     check, whole warehouse, day $((d + 1)): $timed (s, MiB peak): $(cat "$work/stdout")"
        timed "$pvadmin" --db "$gdb" check --from "$date" --to "$(date -u -d "$date + 1 day" +%F)"
        echo "     check --from $date (one day), day $((d + 1)): $timed (s, MiB peak)"
    fi
done
# The closing line: medians of days 57-59 against days 2-4 (or the last three against the second to fourth).
awk -F'\t' -v days="$gdays" '
    function median3(a, b, c) { return a + b + c - (a < b ? (a < c ? a : c) : (b < c ? b : c)) - (a > b ? (a > c ? a : c) : (b > c ? b : c)) }
    { snap[$1] = $2; hour[$1] = $3; size[$1] = $4; moved[$1] = $5 }
    END {
        if (days < 7) { print "growth: too few days for the closing ratios"; exit }
        s0 = median3(snap[2], snap[3], snap[4]); s1 = median3(snap[days - 3], snap[days - 2], snap[days - 1])
        h0 = median3(hour[2], hour[3], hour[4]); h1 = median3(hour[days - 3], hour[days - 2], hour[days - 1])
        printf "growth: snapshot median days %d-%d %.2f s vs days 2-4 %.2f s = %.2fx; hourly %.2f s vs %.2f s = %.2fx; warehouse %.0f MiB on day %d (target: both within 1.25x)\n",
            days - 3, days - 1, s1, s0, s1 / s0, h1, h0, h1 / h0, size[days] / 1048576, days
        m0 = median3(moved[2], moved[3], moved[4]); m1 = median3(moved[days - 3], moved[days - 2], moved[days - 1])
        if (m1 > m0)
            printf "growth: facts re-attributed by the snapshot %d vs %d = %.2fx; its time grows %.2f s per million of them\n",
                m1, m0, m1 / m0, (s1 - s0) / ((m1 - m0) / 1e6)
    }' "$work/growth.tsv"
fi
if [[ $sections == *compare* ]]; then
before=${BENCH_BEFORE:?BENCH_BEFORE names the older pvadmin to compare with}
echo "== reading speed: $("$before" --version) (before) against $("$pvadmin" --version) (after), alternating"
cg=$work/compare
"$pvadmin" generate --out "$cg" --users 2000000 --days 1 --hours-per-day 2 --pageviews-per-hour 4200000 --seed 1 >/dev/null
gzip -1 -c "$cg/pageviews_2024-03-01T01.csv" >"$cg/pageviews_2024-03-01T01.csv.gz"
# The same hour as another pipeline writes it: tab-separated, with its own column names.
sed '1s/.*/visitor\tpage_url\ttimestamp/; 2,$s/,/\t/g' "$cg/pageviews_2024-03-01T00.csv" >"$cg/pageview_extract_2024030100.tsv"
for ((round = 1; round <= ${BENCH_ROUNDS:-2}; round++)); do
    for which in before after; do
        bin=$pvadmin
        [[ $which == before ]] && bin=$before
        rm -f "$work/$which.sqlite"*
        step "$which, round $round: users snapshot (2,000,000 rows)" 2000000 "$bin" --db "$work/$which.sqlite" load "$cg/users_extract_2024-03-01.csv"
        step "$which, round $round: hour, plain (4,200,000 rows)" 4200000 "$bin" --db "$work/$which.sqlite" load "$cg/pageviews_2024-03-01T00.csv"
        step "$which, round $round: hour, .csv.gz (4,200,000 rows)" 4200000 "$bin" --db "$work/$which.sqlite" load "$cg/pageviews_2024-03-01T01.csv.gz"
    done
    rm -f "$work/tabs.sqlite"*
    "$pvadmin" --db "$work/tabs.sqlite" load "$cg/users_extract_2024-03-01.csv" >/dev/null
    step "after, round $round: hour, tabs and --columns (4,200,000 rows)" 4200000 "$pvadmin" --db "$work/tabs.sqlite" load \
        --columns user_id=visitor,url=page_url,pageview_datetime=timestamp "$cg/pageview_extract_2024030100.tsv"
done
echo
fi
