#!/usr/bin/env bash
# Soak (not part of the test run): the desktop left open on a warehouse for an hour while a cron-like
# loop loads generated days into it and readers use it beside them, on either engine, then a verdict.
#
# - Generates days of extracts with `pvadmin generate` (SOAK_USERS users, 1% moving a day, SOAK_VIEWS rows an
#   hour, 1% of them late rows of the hour before); more days are generated on the way should the loop need them.
# - Starts the desktop for real (QT_QPA_PLATFORM=offscreen pvadmin --db W), every screen built, following the
#   warehouse; its refreshes are counted from its stderr (the pvadmin.refresh logging category).
# - Cron: each day's users snapshot, then its 24 hourly pageviews files, one `pvadmin load` at a time, --pause
#   seconds apart; a failed load is counted and retried (at most 5 attempts).
# - Readers in loops beside it: `runs`, `report` (four shapes in turn), `status --now`, `check --from --to` over
#   the newest day once a minute, the engine's shell (sqlite3 on the file, psql) reading load_runs, and a BI
#   tool: a session of that shell kept open a minute at a time reading the views pageviews_daily and
#   pageviews_hourly (on PostgreSQL as a login role in pvadmin_bi). The sqlite3 shell runs as a user would run
#   it, without a busy timeout: "database is locked" (SQLite refuses a new reader while another connection is
#   closing, pvadmin or not) is counted apart and is not a failure; any other error is.
# - Samples the desktop every 5 s: alive, VmRSS/VmHWM, descriptors, threads, its connections (SQLite: its
#   descriptors of W, W-wal and W-shm, and any "(deleted)" one; PostgreSQL: its TCP connections to the server
#   and the backends in pg_stat_activity at those client ports).
# - At the end: a full `check`, `PRAGMA integrity_check` (SQLite), every pageview of every load that exited 0
#   counted (at-time and current totals = rows of the files loaded = rows_loaded of the runs, nothing rejected),
#   and before that SOAK_IDLE_REFRESHES refreshes of data that does not change (the newest file loaded again: an
#   identical file commits its run record and takes it out again), so the desktop's memory can be told from its
#   data's;
#   the desktop alive, then ended with SIGTERM within 10 s; a summary block. Exit 1 when anything failed.
#
# PostgreSQL runs on a durable throwaway server of its own (scripts/pg-test-server.sh, fsync on) in OUT/pg,
# stopped at the end. Logs and samples stay in OUT/logs.
#
# Usage: scripts/soak.sh sqlite|postgresql [--minutes N] [--build DIR] [--out DIR] [--pause SECONDS]
#        defaults: 60 minutes, build/ of this checkout (pvadmin already built), /tmp/pvadmin-soak-ENGINE, 1 s.
#        SOAK_USERS (20000) and SOAK_VIEWS (10000) set the scale; SOAK_READERS the readers (default all:
#        "runs report status check shell bi"); SOAK_IDLE_REFRESHES (500) the refreshes of unchanged data at the end.
#        Both engines may run at the same time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
    echo "usage: $0 sqlite|postgresql [--minutes N] [--build DIR] [--out DIR] [--pause SECONDS]" >&2
    exit 2
}

fail() {
    echo "soak: $*" >&2
    exit 1
}

[[ $# -ge 1 && ( $1 == sqlite || $1 == postgresql ) ]] || usage
engine=$1
shift
minutes=60
build=$root/build
out=/tmp/pvadmin-soak-$engine
pause=1
while [[ $# -gt 0 ]]; do
    [[ $# -ge 2 ]] || usage
    case $1 in
        --minutes) minutes=$2 ;;
        --build) build=$2 ;;
        --out) out=$2 ;;
        --pause) pause=$2 ;;
        *) usage ;;
    esac
    shift 2
done
[[ $minutes =~ ^[0-9]+$ && $minutes -ge 1 ]] || usage
[[ $pause =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage
users=${SOAK_USERS:-20000}
views=${SOAK_VIEWS:-10000}
readers=${SOAK_READERS:-runs report status check shell bi}
idle=${SOAK_IDLE_REFRESHES:-500}
pvadmin=$(realpath -m "$build/app/pvadmin")
[[ -x $pvadmin ]] || fail "$pvadmin is missing: build it first (cmake --build $build --target pvadmin)"
command -v sqlite3 >/dev/null || fail "the sqlite3 shell is missing (Debian: sqlite3)"
[[ $engine == sqlite ]] || command -v psql >/dev/null || fail "psql is missing (Debian: postgresql-client-15)"

# OUT holds nothing but what this script put there: never remove a folder of someone else's.
out=$(realpath -m "$out")
marker=.pvadmin-soak
if [[ -e $out && ! -e $out/$marker && -n $(ls -A "$out") ]]; then
    fail "$out is not empty and was not made by this script; not touching it"
fi
if [[ -d $out/pg ]]; then
    "$root/scripts/pg-test-server.sh" stop "$out/pg" >/dev/null 2>&1 || true
fi
rm -rf "$out"
mkdir -p "$out/x" "$out/logs" "$out/state" "$out/config"
touch "$out/logs/status-attention.log" "$out/logs/readers.tsv" "$out/logs/loads.tsv" "$out/logs/samples.tsv"
echo "a soak made by scripts/soak.sh; running it again removes this folder" >"$out/$marker"
# The PostgreSQL server runs as pvadmin-test when this is root; it must be able to enter OUT.
chmod 755 "$out"
x=$out/x
logs=$out/logs
state=$out/state
stop=$state/stop

pids=()
desktop=
cleanup() {
    touch "$stop" 2>/dev/null || true
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    if [[ -n $desktop ]] && kill -0 "$desktop" 2>/dev/null; then
        kill "$desktop" 2>/dev/null || true
    fi
    if [[ $engine == postgresql && -d $out/pg ]]; then
        cp "$out/pg/server.log" "$logs/pg-server.log" 2>/dev/null || true
        "$root/scripts/pg-test-server.sh" stop "$out/pg" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

elapsed() { # seconds since a start time in EPOCHREALTIME form
    awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'
}

# --- the warehouse
gen=(--users "$users" --pageviews-per-hour "$views" --move-rate 0.01 --new-rate 0.005 --remove-rate 0.001
     --late-rate 0.01 --seed 23)
if [[ $engine == sqlite ]]; then
    db=$out/warehouse.sqlite
    shell_query() { sqlite3 "$db" "$1"; }
    views_schema=
else
    PG_SERVER_SETTINGS=$'fsync = on\nsynchronous_commit = on\nfull_page_writes = on' \
        "$root/scripts/pg-test-server.sh" start "$out/pg"
    db=$(cat "$out/pg/url")
    pgport=${db##*:}
    pgport=${pgport%%/*}
    shell_query() { psql "$db" -XAtq -v ON_ERROR_STOP=1 -F '|' -c "$1"; }
    views_schema=pvadmin.
fi
"$pvadmin" --db "$db" init >/dev/null
bi_db=$db
if [[ $engine == postgresql ]]; then
    # A BI tool logs in with a role of its own that may read this warehouse's views only (docs/bi.md).
    if shell_query "CREATE ROLE soak_bi LOGIN; GRANT pvadmin_bi_$(shell_query 'SELECT current_database()') TO soak_bi" >/dev/null 2>&1; then
        bi_db=${db/pvadmin@/soak_bi@}
    else
        echo "soak: could not create a login role in the warehouse's BI role; the BI reader logs in as pvadmin" >&2
    fi
fi

# --- the extracts: enough days for the minutes at the pause (a load takes a few tenths of a second)
days=$(awk -v m="$minutes" -v p="$pause" 'BEGIN { d = int(m * 60 / (25 * (p + 0.25))) + 2; print (d < 3 ? 3 : d) }')
t0=$EPOCHREALTIME
"$pvadmin" generate --out "$x" "${gen[@]}" --days "$days" >/dev/null
echo "soak: generated $days days of $views-row hours for $users users in $(elapsed "$t0") s ($(du -sh "$x" | cut -f1))"
first_day=$(find "$x" -maxdepth 1 -name 'users_extract_*.csv' -printf '%f\n' | sed -n 's/^users_extract_\([0-9-]*\)\.csv$/\1/p' | sort | head -1)
[[ -n $first_day ]] || fail "pvadmin generate wrote no users snapshot to $x"
postcodes=()
mapfile -t postcodes < <(sed -n '2,1000p' "$x/users_extract_$first_day.csv" | cut -d, -f2 | sort | uniq -c | sort -rn | awk 'NR <= 3 { print $2 }')
extra_days=0

# ensure_day N: day N's files, generated now when the loop went past the days generated up front (the
# generator gives the same files for the same options, whatever --days).
ensure_day() {
    local n=$1 date h file
    date=$(date -u -d "$first_day + $n days" +%F)
    [[ -e $x/users_extract_$date.csv ]] && return 0
    "$pvadmin" generate "${gen[@]}" --stdout users --day "$n" >"$x/users_extract_$date.csv.part"
    mv "$x/users_extract_$date.csv.part" "$x/users_extract_$date.csv"
    for ((h = 0; h < 24; h++)); do
        file=$x/pageviews_${date}T$(printf %02d "$h").csv
        "$pvadmin" generate "${gen[@]}" --stdout pageviews --day "$n" --hour "$h" >"$file.part"
        mv "$file.part" "$file"
    done
    extra_days=$((extra_days + 1))
}

# --- the desktop
# Its own settings folder (it remembers recent warehouses); TZ=UTC so its log's times compare with the runs'.
XDG_CONFIG_HOME=$out/config TZ=UTC QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="pvadmin.refresh.debug=true" \
    QT_MESSAGE_PATTERN='%{time yyyy-MM-dd hh:mm:ss.zzz} %{category}: %{message}' \
    "$pvadmin" --db "$db" >"$logs/desktop.stdout" 2>"$logs/desktop.stderr" &
desktop=$!
desktop_started=$EPOCHREALTIME
sleep 5
kill -0 "$desktop" 2>/dev/null || { cat "$logs/desktop.stderr" >&2; fail "the desktop did not start"; }

# --- the sampler: one line every 5 s in samples.tsv
# t alive rss_kb hwm_kb fds threads conn wal shm deleted extra wal_bytes ports
#   SQLite: conn/wal/shm = the desktop's descriptors of W, W-wal, W-shm; deleted = those "(deleted)"; extra = 0;
#   wal_bytes = the size of W-wal; ports = WAL read locks held by the desktop/by other processes
#   PostgreSQL: conn = its TCP connections to the server; wal/shm = backends at those client ports in
#   pg_stat_activity / client backends in all; deleted = 0; extra = connections minus backends seen; ports =
#   the client ports of its connections (a new port is a new connection)
sample() {
    local t=$EPOCHREALTIME st rss hwm fds threads conn=0 wal=0 shm=0 deleted=0 extra=0 walsize=0 targets ports=
    st=$(cat "/proc/$desktop/status" 2>/dev/null) || st=
    if [[ -z $st ]] || grep -q '^State:.*zombie' <<<"$st"; then
        printf '%s\t0\n' "$t" >>"$logs/samples.tsv"
        touch "$state/desktop-dead"
        return 0
    fi
    rss=$(awk '/^VmRSS:/ { print $2 }' <<<"$st")
    hwm=$(awk '/^VmHWM:/ { print $2 }' <<<"$st")
    threads=$(awk '/^Threads:/ { print $2 }' <<<"$st")
    fds=$(find "/proc/$desktop/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    if [[ $engine == sqlite ]]; then
        targets=$(find "/proc/$desktop/fd" -mindepth 1 -maxdepth 1 -printf '%l\n' 2>/dev/null || true)
        conn=$(grep -cxF "$db" <<<"$targets" || true)
        wal=$(grep -cxF "$db-wal" <<<"$targets" || true)
        shm=$(grep -cxF "$db-shm" <<<"$targets" || true)
        deleted=$(grep -F "$db" <<<"$targets" | grep -c ' (deleted)$' || true)
        walsize=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
        # Who is reading through the WAL (read marks 1-4: bytes 124-127 of W-shm), which keeps it from restarting
        ports=$(awk -v ino=":$(stat -c %i "$db-shm" 2>/dev/null || echo none)" -v p="$desktop" '
            $2 == "POSIX" && $6 ~ (ino "$") && $7 >= 124 && $7 <= 127 { if ($5 == p) d++; else o++ }
            END { printf "%d/%d", d, o }' /proc/locks)
        if ((deleted > 0)); then
            { date -u +%FT%T; ls -l "/proc/$desktop/fd"; } >>"$logs/deleted-wal.log" 2>&1 || true
        fi
    else
        ports=$(ss -Htnp state established "( dport = :$pgport )" 2>/dev/null | grep "pid=$desktop," \
                    | awk '{ n = split($3, a, ":"); print a[n] }' | paste -sd, -)
        conn=$(tr , '\n' <<<"$ports" | grep -c . || true)
        if [[ -n $ports ]]; then
            wal=$(shell_query "SELECT count(*) FROM pg_stat_activity WHERE client_port IN ($ports)" 2>/dev/null || echo -1)
        fi
        shm=$(shell_query "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'" 2>/dev/null || echo -1)
        extra=$((conn - wal))
        walsize=$(shell_query "SELECT pg_database_size(current_database())" 2>/dev/null || echo 0)
    fi
    printf '%s\t1\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$rss" "$hwm" "$fds" "$threads" "$conn" "$wal" \
        "$shm" "$deleted" "$extra" "$walsize" "${ports:--}" >>"$logs/samples.tsv"
}
(
    while [[ ! -e $stop ]]; do
        sample
        sleep 5
    done
) &
pids+=($!)

# --- the readers. Each run appends "kind ok failed seconds" to readers.tsv; a failure's output goes to
# reader-failures.log. They read the newest loaded hour and day from state/ (written by the loop).
newest() { cat "$state/newest-hour" 2>/dev/null; }
record() { # KIND RC SECONDS OUTPUT_FILE: one run of a reader
    local kind=$1 rc=$2 secs=$3 output=$4 busy=
    if ((rc == 0)); then
        # A BI session's reads are its rounds, counted by read_bi.
        [[ $kind == bi ]] || printf '%s\t1\t0\t%s\n' "$kind" "$secs" >>"$logs/readers.tsv"
    else
        # The sqlite3 shell has no busy timeout: SQLite refuses it a read while another connection is closing
        # (checking whether it is the last), without pvadmin too. Counted apart, not a failure of the soak.
        if [[ $engine == sqlite && ( $kind == shell || $kind == bi ) ]] && grep -q 'database is locked' "$output"; then
            busy=busy
        fi
        printf '%s\t0\t1\t%s\t%s\n' "$kind" "$secs" "$busy" >>"$logs/readers.tsv"
        { echo "== $kind exit $rc at $(date -u +%T)"; tail -n 20 "$output"; } >>"$logs/reader-failures.log"
    fi
}
reader() { # KIND INTERVAL FUNCTION: calls FUNCTION every INTERVAL seconds until the end
    local kind=$1 interval=$2 fn=$3 t rc i
    [[ " $readers " == *" $kind "* ]] || return 0
    (
        while [[ ! -e $stop ]]; do
            if [[ -n $(newest) ]]; then
                t=$EPOCHREALTIME
                rc=0
                "$fn" >"$logs/reader-$kind.out" 2>&1 || rc=$?
                record "$kind" "$rc" "$(elapsed "$t")" "$logs/reader-$kind.out"
            fi
            for ((i = 0; i < interval; i++)); do
                [[ ! -e $stop ]] || break
                sleep 1
            done
        done
    ) &
    pids+=($!)
}
read_runs() { "$pvadmin" --db "$db" runs; }
report_turn=0
read_report() {
    local hour day from to
    hour=$(newest)
    day=${hour%% *}
    to=$(date -u -d "$hour +1 hour" '+%F %T')
    from=$(date -u -d "$day -7 days" '+%F %T')
    report_turn=$(((report_turn + 1) % 4))
    case $report_turn in
        0) "$pvadmin" --db "$db" report --basis current --grain day --from "$from" --to "$to" ;;
        1) "$pvadmin" --db "$db" report --basis at-time --grain hour --from "$day 00:00:00" --to "$to" --hours-loaded \
               --postcode "${postcodes[0]}" --postcode "${postcodes[1]}" --postcode "${postcodes[2]}" ;;
        2) "$pvadmin" --db "$db" report --basis at-time --grain week ;;
        3) "$pvadmin" --db "$db" report --basis current --grain month --hours-loaded ;;
    esac
}
read_status() { # healthy (0) as of the hour after the newest; attention (1) is recorded in the output
    local rc=0
    "$pvadmin" --db "$db" status --now "$(date -u -d "$(newest) +1 hour" '+%F %T')" || rc=$?
    ((rc != 1)) || echo "attention" >>"$logs/status-attention.log"
    return $((rc == 1 ? 0 : rc))
}
read_check() { # the newest day's hours
    local hour
    hour=$(newest)
    "$pvadmin" --db "$db" check --from "${hour%% *} 00:00:00" --to "$(date -u -d "$hour +1 hour" '+%F %T')"
}
read_shell() { shell_query "SELECT status, count(*), max(id) FROM ${views_schema}load_runs GROUP BY status"; }
# bi_queries: a BI tool's session, a minute long: the newest day's top postcodes by day and by hour, every 2 s.
bi_queries() {
    local end=$((SECONDS + 60)) day n=0
    [[ $engine == sqlite ]] && echo ".bail on"
    while ((SECONDS < end)) && [[ ! -e $stop ]]; do
        day=$(newest)
        day=${day%% *}
        echo "SELECT postcode, pageviews FROM ${views_schema}pageviews_daily WHERE basis = 'at-time'" \
             "AND period_start >= '$day' ORDER BY pageviews DESC, postcode LIMIT 10;"
        echo "SELECT postcode, sum(pageviews) FROM ${views_schema}pageviews_hourly WHERE basis = 'current'" \
             "AND period_start >= '$day 00:00:00' GROUP BY postcode ORDER BY 2 DESC, 1 LIMIT 10;"
        n=$((n + 1))
        if [[ $engine == sqlite ]]; then echo ".print bi-round-done $n"; else printf '\\echo bi-round-done %d\n' "$n"; fi
        sleep 2
    done
}
read_bi() { # one session: rounds done count as reads; a session that ends in an error as one failed read
    local rc=0 rounds
    if [[ $engine == sqlite ]]; then
        bi_queries | sqlite3 "$db" >"$logs/bi.session" 2>&1 || rc=$?
    else
        bi_queries | psql "$bi_db" -XAtq -v ON_ERROR_STOP=1 >"$logs/bi.session" 2>&1 || rc=$?
    fi
    rounds=$(grep -c '^bi-round-done' "$logs/bi.session" || true)
    ((rounds == 0)) || printf 'bi\t%s\t0\t-\n' "$rounds" >>"$logs/readers.tsv"
    cat "$logs/bi.session"
    return "$rc"
}

# --- the loop. loads.tsv: start end exit attempt file rows (rows of a pageviews file, 0 for a snapshot)
load_file() {
    local file=$1 rows=$2 attempt rc t
    sleep "$pause"
    for ((attempt = 1; ; attempt++)); do
        t=$EPOCHREALTIME
        rc=0
        "$pvadmin" --db "$db" load "$file" >"$logs/load.out" 2>&1 || rc=$?
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$EPOCHREALTIME" "$rc" "$attempt" "$(basename "$file")" "$rows" \
            >>"$logs/loads.tsv"
        ((rc != 0)) || return 0
        { echo "== $(basename "$file") attempt $attempt exit $rc at $(date -u +%T)"; cat "$logs/load.out"; } \
            >>"$logs/load-failures.log"
        ((attempt < 5)) || return 1
        sleep 2
    done
}

reader runs 2 read_runs
reader report 3 read_report
reader status 5 read_status
reader check 60 read_check
reader shell 2 read_shell
reader bi 1 read_bi

start=$EPOCHREALTIME
deadline=$((SECONDS + minutes * 60))
echo "soak: $engine, desktop pid $desktop, $minutes minutes from $(date -u +%T) UTC; logs in $logs"
gave_up=
last_file=
n=0
while ((SECONDS < deadline)) && [[ -z $gave_up ]]; do
    ensure_day "$n"
    date=$(date -u -d "$first_day + $n days" +%F)
    load_file "$x/users_extract_$date.csv" 0 || gave_up="users_extract_$date.csv"
    for ((h = 0; h < 24 && SECONDS < deadline; h++)); do
        [[ -z $gave_up && ! -e $state/desktop-dead ]] || break
        file=$x/pageviews_${date}T$(printf %02d "$h").csv
        if load_file "$file" $(($(wc -l <"$file") - 1)); then
            last_file=$file
            printf '%s %02d:00:00\n' "$date" "$h" >"$state/newest-hour.part"
            mv "$state/newest-hour.part" "$state/newest-hour"
        else
            gave_up=$(basename "$file")
        fi
    done
    [[ ! -e $state/desktop-dead ]] || break
    n=$((n + 1))
done
loop_seconds=$(elapsed "$start")

# --- the end: the readers finish what they are doing; the desktop's last refresh lands
touch "$stop"
for pid in "${pids[@]}"; do
    wait "$pid" || true
done
pids=()
sleep 5
sample
failures=()
loop_log_lines=$(wc -l <"$logs/desktop.stderr")

# Refreshes of unchanged data (after 20 to warm up): RSS growing here is the desktop's own, not its data's.
refreshes_read() { grep -c ' pvadmin.refresh: refresh read' "$logs/desktop.stderr" || true; }
rss_now() { awk '/^VmRSS:/ { print $2 }' "/proc/$desktop/status" 2>/dev/null || echo 0; }
idle_line=skipped
if ((idle > 0)) && [[ -n $last_file && ! -e $state/desktop-dead ]]; then
    idle_failed=0
    for ((i = 0; i < idle + 20; i++)); do
        if ((i == 20)); then
            sleep 2
            idle_rss0=$(rss_now)
            idle_refresh0=$(refreshes_read)
        fi
        "$pvadmin" --db "$db" load "$last_file" >>"$logs/idle-loads.out" 2>&1 || idle_failed=$((idle_failed + 1))
        sleep 0.5
    done
    sleep 3
    idle_rss1=$(rss_now)
    idle_refresh1=$(refreshes_read)
    idle_line=$(awk -v a="$idle_rss0" -v b="$idle_rss1" -v n="$((idle_refresh1 - idle_refresh0))" -v l="$idle" \
        'BEGIN { printf "%d refreshes over %d loads of an identical file: RSS %.1f -> %.1f MiB (%+.1f KiB a refresh)",
                 n, l, a / 1024, b / 1024, n ? (b - a) / n : 0 }')
    ((idle_failed == 0)) || failures+=("$idle_failed identical-file loads failed (idle-loads.out)")
    sample
fi

[[ -z $gave_up ]] || failures+=("a load failed 5 times: $gave_up (load-failures.log)")
[[ ! -e $state/desktop-dead ]] || failures+=("the desktop died (desktop.stderr)")

t=$EPOCHREALTIME
check_rc=0
"$pvadmin" --db "$db" check >"$logs/check.out" 2>&1 || check_rc=$?
check_seconds=$(elapsed "$t")
check_line="$( ((check_rc == 0)) && echo passed || echo "FAILED (exit $check_rc, check.out)"), $check_seconds s: $(tail -n 1 "$logs/check.out")"
((check_rc == 0)) || failures+=("check exit $check_rc")

integrity=n/a
if [[ $engine == sqlite ]]; then
    integrity=$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1 | head -n 5 | paste -sd' ' -) || true
    [[ $integrity == ok ]] || failures+=("integrity_check: $integrity")
fi

# Every pageview of every load that exited 0, counted on both bases and in the runs.
files_rows=$(awk -F'\t' '$3 == 0 { s += $6 } END { printf "%d", s }' "$logs/loads.tsv")
at_time=$("$pvadmin" --db "$db" report --basis at-time --grain month | awk -F, 'NR > 1 { s += $NF } END { printf "%d", s }')
current=$("$pvadmin" --db "$db" report --basis current --grain month | awk -F, 'NR > 1 { s += $NF } END { printf "%d", s }')
IFS='|' read -r runs_ok runs_loaded runs_rejected < <(shell_query \
    "SELECT count(*), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0) FROM ${views_schema}load_runs
     WHERE status = 'succeeded' AND kind = 'pageviews'")
runs_by_status=$(shell_query "SELECT status || ' ' || count(*) FROM ${views_schema}load_runs GROUP BY status ORDER BY status" | paste -sd, - | sed 's/,/, /g')
hours_ok=$(awk -F'\t' '$3 == 0 && $5 ~ /^pageviews/ { n++ } END { printf "%d", n }' "$logs/loads.tsv")
((runs_ok == hours_ok)) || failures+=("$hours_ok pageviews loads exited 0 but $runs_ok pageviews runs succeeded")
if [[ $at_time != "$files_rows" || $current != "$files_rows" || $runs_loaded != "$files_rows" || $runs_rejected != 0 ]]; then
    failures+=("counts differ: files $files_rows, at-time $at_time, current $current, runs $runs_loaded, rejected $runs_rejected")
fi
shell_query "SELECT id, kind, status, finished_at FROM ${views_schema}load_runs ORDER BY id" >"$logs/runs.psv"

# The desktop: still alive, then ended with SIGTERM (it has no handler: the signal ends it) within 10 s.
desktop_minutes=$(awk -v a="$desktop_started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", (b - a) / 60 }')
hwm_end=$(awk '/^VmHWM:/ { print $2 }' "/proc/$desktop/status" 2>/dev/null || true)
# utime and stime: the fields after the command's closing parenthesis, 12th and 13th
desktop_cpu=$(sed 's/.*) //' "/proc/$desktop/stat" 2>/dev/null | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f s", ($12 + $13) / hz }' || true)
desktop_end=
if kill -0 "$desktop" 2>/dev/null; then
    kill -TERM "$desktop"
    for _ in $(seq 1 100); do
        kill -0 "$desktop" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$desktop" 2>/dev/null; then
        desktop_end="did not end within 10 s of SIGTERM"
        kill -KILL "$desktop" 2>/dev/null || true
    fi
fi
desktop_rc=0
wait "$desktop" 2>/dev/null || desktop_rc=$?
if [[ -z $desktop_end ]]; then
    if [[ -e $state/desktop-dead ]]; then
        desktop_end="died before the end (exit $desktop_rc)"
    elif ((desktop_rc == 143)); then
        desktop_end="alive to the end, ended by SIGTERM (exit 143)"
    else
        desktop_end="ended with exit $desktop_rc on SIGTERM"
    fi
fi
[[ $desktop_end == alive* ]] || failures+=("desktop: $desktop_end")
desktop=
leftover=
if [[ $engine == postgresql ]]; then
    sleep 2
    leftover=$(shell_query "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pvadmin'")
    ((leftover == 0)) || failures+=("$leftover pvadmin backends left after the desktop ended")
fi

# --- figures
loads_line=$(awk -F'\t' '
    $3 == 0 { ok++; if ($5 ~ /^users_extract/) snaps++; else hours++ } $3 != 0 { bad++ }
    END { printf "%d ok (%d snapshots, %d hours), %d failed attempts", ok, snaps, hours, bad }' "$logs/loads.tsv")
load_secs=$(awk -F'\t' '$3 == 0 { d = $2 - $1; s[++n] = d; if (d > max) max = d }
    END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
          printf "median %.2f s, max %.2f s", s[int((n + 1) / 2)], max }' "$logs/loads.tsv")
days_loaded=$(awk -F'\t' '$3 == 0 && $5 ~ /^users_extract/ { n++; last = $5 } END { gsub(/users_extract_|\.csv/, "", last); printf "%d days, the last %s", n, last }' "$logs/loads.tsv")
readers_line=$(awk -F'\t' '{ ok[$1] += $2; bad[$1] += $3 } END {
    split("runs report status check shell bi", k, " ")
    for (i = 1; i <= 6; i++) printf "%s%s %d/%d", (i > 1 ? ", " : ""), k[i], ok[k[i]], bad[k[i]] }' "$logs/readers.tsv")
reader_failed=$(awk -F'\t' '$5 != "busy" { s += $3 } END { printf "%d", s }' "$logs/readers.tsv")
shell_busy=$(awk -F'\t' '$5 == "busy" { s += $3 } END { printf "%d", s }' "$logs/readers.tsv")
((shell_busy == 0)) || readers_line+="; of those, $shell_busy sqlite3 shell runs refused with 'database is locked' (no busy timeout: not counted as failures)"
((reader_failed == 0)) || failures+=("$reader_failed reader runs failed (reader-failures.log)")
attention=$(wc -l <"$logs/status-attention.log")
check_secs=$(awk -F'\t' '$1 == "check" { d = $4; if (d > max) max = d; s += d; n++ } END { if (n) printf "%.2f s mean, %.2f s max", s / n, max }' "$logs/readers.tsv")

grep ' pvadmin.refresh: ' "$logs/desktop.stderr" >"$logs/refresh.log" || true
refresh_line=$(head -n "$loop_log_lines" "$logs/desktop.stderr" | awk '/refresh started/ { s++ } /refresh read/ { r++ } /refresh asked/ { a++ }
    END { printf "%d started, %d read, %d asked for while one was reading (while loading)", s, r, a }')
# The lag: for each succeeded run (finished_at, ms, written in its transaction just before the commit), the end
# of the first refresh the desktop started at or after it.
lag_line=$(awk -F'|' '
    function epoch(d, t,   a, b, y, m, mp) {
        split(d, a, "-"); split(t, b, ":"); y = a[1] + 0; m = a[2] + 0
        if (m <= 2) { y--; mp = m + 9 } else mp = m - 3
        return (365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * mp + 2) / 5) + a[3] - 1 - 719468) * 86400 \
               + b[1] * 3600 + b[2] * 60 + b[3]
    }
    FILENAME == ARGV[1] { split($0, f, " "); e = epoch(f[1], f[2])
                if ($0 ~ /refresh started/) st[++ns] = e; else if ($0 ~ /refresh read/) rd[++nr] = e; next }
    $3 == "succeeded" && $4 != "" { fin[++nf] = $4 / 1000 }
    END {
        j = 1; missed = 0
        for (i = 1; i <= nf; i++) {
            while (j <= ns && st[j] < fin[i]) j++
            if (j > ns || j > nr) { missed++; continue }
            l = rd[j] - fin[i]; lag[++nl] = l; if (l > max) max = l; if (l > 2) over++
        }
        for (a = 1; a <= nl; a++) for (b = a + 1; b <= nl; b++) if (lag[b] < lag[a]) { t = lag[a]; lag[a] = lag[b]; lag[b] = t }
        p95 = int(nl * 0.95); if (p95 < 1) p95 = 1
        if (nl) printf "commit to the end of the next refresh: median %.2f s, 95%% %.2f s, max %.2f s; over 2 s: %d; none after it: %d",
                       lag[int((nl + 1) / 2)], lag[p95], max, over + 0, missed
        else printf "no refresh after any run: %d", missed
    }' "$logs/refresh.log" "$logs/runs.psv")
[[ $lag_line != *"none after it: 0" ]] && failures+=("runs with no refresh after them: $lag_line")
other_stderr=$(grep -v ' pvadmin.refresh: ' "$logs/desktop.stderr" | sed 's/^[0-9-]* [0-9:.]* //' | sort | uniq -c | sort -rn | head -n 5 || true)

samples=$(awk -F'\t' '$2 == 1 { n++ } END { printf "%d", n }' "$logs/samples.tsv")
mem_line=$(awk -F'\t' -v hwm="${hwm_end:-0}" '$2 == 1 { n++; if (n == 1 || $3 > max) max = $3; if (n == 1) first = $3; last = $3
        if (n == 13) m1 = $3 }
    END { printf "VmHWM %.1f MiB, RSS max %.1f MiB; RSS %.1f MiB at the first sample, %.1f MiB a minute in, %.1f MiB at the end",
          hwm / 1024, max / 1024, first / 1024, m1 / 1024, last / 1024 }' "$logs/samples.tsv")
fd_line=$(awk -F'\t' '$2 == 1 { n++; if (n == 1 || $5 < fmin) fmin = $5; if ($5 > fmax) fmax = $5; if (n == 1 || $6 < tmin) tmin = $6; if ($6 > tmax) tmax = $6 }
    END { printf "descriptors %d..%d, threads %d..%d", fmin, fmax, tmin, tmax }' "$logs/samples.tsv")
if [[ $engine == sqlite ]]; then
    conn_line=$(awk -F'\t' '$2 == 1 { n++; if (n == 1 || $7 < cmin) cmin = $7; if ($7 > cmax) cmax = $7; if (n == 1 || $8 < wmin) wmin = $8
            if ($8 > wmax) wmax = $8; if (n == 1 || $9 < smin) smin = $9; if ($9 > smax) smax = $9; if ($12 > walmax) walmax = $12 }
        END { printf "warehouse file %d..%d, -wal %d..%d, -shm %d..%d descriptors", cmin, cmax, wmin, wmax, smin, smax }' "$logs/samples.tsv")
    wal_line=$(awk -F'\t' '$2 == 1 { n++; if ($12 > max) max = $12; last = $12; split($13, r, "/"); if (r[1] > 0) d++; if (r[2] > 0) o++ }
        END { printf "at most %.1f MiB, %.1f MiB at the end (database %.1f MiB); a WAL read lock held at %.0f%% of samples by the desktop, at %.0f%% by other processes",
              max / 1048576, last / 1048576, size / 1048576, 100 * d / n, 100 * o / n }' size="$(stat -c %s "$db")" "$logs/samples.tsv")
    deleted_line=$(awk -F'\t' '$2 == 1 && $10 > 0 { n++ } END { printf "%d", n }' "$logs/samples.tsv")
    conn_min=$(awk -F'\t' '$2 == 1 { if (++n == 1 || $7 < m) m = $7 } END { printf "%d", m }' "$logs/samples.tsv")
    ((conn_min > 0)) || failures+=("a sample found the desktop with no descriptor of the warehouse")
    ((deleted_line == 0)) || failures+=("$deleted_line samples saw a deleted warehouse file (deleted-wal.log)")
    deleted_line="$deleted_line of $samples samples"
else
    conn_line=$(awk -F'\t' '$2 == 1 { n++; if (n == 1 || $7 < cmin) cmin = $7; if ($7 > cmax) cmax = $7; if (n == 1 || $8 < bmin) bmin = $8
            if ($8 > bmax) bmax = $8; if ($11 != 0) odd++; if ($9 > amax) amax = $9; if ($12 > size) size = $12 }
        END { printf "%d..%d TCP connections, %d..%d backends at their ports (%d samples differing); all client backends at most %d; database %.0f MiB",
              cmin, cmax, bmin, bmax, odd, amax, size / 1048576 }' "$logs/samples.tsv")
    conn_line+="; $(awk -F'\t' '$2 == 1 { n = split($13, p, ","); for (i = 1; i <= n; i++) if (!(p[i] in seen)) { seen[p[i]] = 1; d++ } }
        END { printf "%d distinct connections (client ports) over the run", d }' "$logs/samples.tsv")"
    odd=$(awk -F'\t' '$2 == 1 && ($11 != 0 || $7 == 0) { n++ } END { printf "%d", n }' "$logs/samples.tsv")
    ((odd == 0)) || failures+=("$odd samples found the desktop without a connection or with a connection the server does not list")
    deleted_line="n/a (PostgreSQL)"
    cp "$out/pg/server.log" "$logs/pg-server.log" 2>/dev/null || true
    server_line=$(awk 'match($0, / (ERROR|FATAL|PANIC): .*/) { n[substr($0, RSTART + 1)]++ } END { for (k in n) print n[k] "\t" k }' \
                      "$logs/pg-server.log" 2>/dev/null | sort -rn | head -n 5)
fi

result=PASS
((${#failures[@]} == 0)) || result=FAIL
cat <<EOF | tee "$logs/summary.txt"

== soak summary: $engine, $("$pvadmin" --version 2>/dev/null | head -n 1)
machine:               $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
minutes:               $(awk -v s="$loop_seconds" 'BEGIN { printf "%.1f", s / 60 }') of loads (--minutes $minutes, --pause $pause s); $users users, $views-row hours
loads:                 $loads_line; $load_secs a load; $days_loaded; $extra_days days generated on the way
runs:                  $runs_by_status
reader runs ok/failed: $readers_line; status attention $attention; check --from --to $check_secs
refreshes:             $refresh_line
refresh lag:           $lag_line
check:                 $check_line
integrity:             $integrity
counted:               files loaded $files_rows rows = at-time $at_time = current $current = rows_loaded of the $runs_ok succeeded pageviews runs $runs_loaded; rejected $runs_rejected
desktop peak memory:   $mem_line
idle refreshes:        $idle_line
desktop connections:   $conn_line; $fd_line${leftover:+; pvadmin backends after it ended: $leftover}
deleted-WAL sightings: $deleted_line${wal_line:+
WAL file:              $wal_line}
desktop:               $desktop_end after $desktop_minutes min, ${desktop_cpu:-?} of CPU; $(grep -cv ' pvadmin.refresh: ' "$logs/desktop.stderr" || true) other stderr lines
EOF
if [[ -n ${server_line:-} ]]; then
    echo "server log ERROR/FATAL lines, most frequent:" | tee -a "$logs/summary.txt"
    awk '{ print "    " $0 }' <<<"$server_line" | tee -a "$logs/summary.txt"
fi
if [[ -n $other_stderr ]]; then
    echo "desktop stderr (other than refreshes), most frequent:" | tee -a "$logs/summary.txt"
    awk '{ print "    " $0 }' <<<"$other_stderr" | tee -a "$logs/summary.txt"
fi
for f in "${failures[@]}"; do
    echo "FAILED: $f" | tee -a "$logs/summary.txt"
done
echo "result:                $result" | tee -a "$logs/summary.txt"
[[ $result == PASS ]]
