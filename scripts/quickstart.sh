#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for pvadmin, builds it, and then either
#   demo  - generates a small demo warehouse and opens the app on it (a headless report without a display)
#   test  - runs every test suite
#   build - stops after the build (scripts/package-check.sh uses it)
# Usage: scripts/quickstart.sh demo|test|build
set -euo pipefail

mode=${1:-}
if [[ $mode != demo && $mode != test && $mode != build ]]; then
    echo "usage: $0 demo|test|build" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PVADMIN_BUILD_DIR:-$root/build}

# Build tools, Qt 6 with the modules it needs at configure time (Charts needs OpenGL's CMake package), the
# plugins loaded at run time (SQLite and PostgreSQL drivers, SVG icons), libpq for the PostgreSQL engine, Xvfb
# for the GUI tests, and git for the commit --version names; for the tests, the PostgreSQL 15 server they start
# a throwaway cluster of (scripts/pg-test-server.sh).
packages=(build-essential cmake ninja-build pkg-config git qt6-base-dev qt6-base-dev-tools qt6-charts-dev
          libqt6opengl6-dev libqt6sql6-sqlite libqt6sql6-psql libqt6svg6 libgl1-mesa-dev libsqlite3-dev libpq-dev
          zlib1g-dev libssl-dev sqlite3 xvfb xauth fonts-dejavu-core)
# The tests' PostgreSQL server: only the test run needs one.
[[ $mode == test ]] && packages+=(postgresql-15)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "== installing: ${missing[*]}"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    # Installing postgresql-15 would also create Debian's default cluster "main" (and start it where systemd
    # runs): a second server on port 5432 that nothing here uses, as the tests run their own. A drop-in
    # configuration (createcluster.conf includes createcluster.d/) says not to, before the package looks.
    # Anyone who wants the default cluster later: sudo pg_createcluster 15 main --start.
    if [[ " ${missing[*]} " == *" postgresql-15 "* && ! -e /etc/postgresql/15 ]]; then
        $sudo mkdir -p /etc/postgresql-common/createcluster.d
        printf '%s\n' "# scripts/quickstart.sh (pvadmin): the tests run a server of their own; no default cluster." \
            "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/pvadmin-no-main-cluster.conf >/dev/null
    fi
    log=$(mktemp /tmp/pvadmin-apt.XXXXXX.log)
    if ! { $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        echo "quickstart: installing the packages failed; the whole log is $log" >&2
        exit 1
    fi
    rm -f "$log"
fi

echo "== building in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPVADMIN_WARNINGS_AS_ERRORS=ON >/dev/null
# The demo needs only the app; the tests and the package need everything.
if [[ $mode == demo ]]; then
    cmake --build "$build" --target pvadmin
else
    cmake --build "$build"
fi

[[ $mode == build ]] && exit 0
if [[ $mode == test ]]; then
    echo "== running every test"
    cd "$build"
    exec ctest --output-on-failure --timeout 600
fi

demo=$root/demo
pvadmin=$build/app/pvadmin
db=$demo/warehouse.sqlite
if [[ ! -f $db ]]; then
    echo "== generating a demo warehouse in $demo (3 days, 5,000 users, moves, late rows, unknown users)"
    rm -rf "$demo"
    "$pvadmin" generate --out "$demo/extracts" --users 5000 --days 3 --pageviews-per-hour 2000 --seed 42
    "$pvadmin" --db "$db" load "$demo"/extracts/users_extract_*.csv >/dev/null
    "$pvadmin" --db "$db" load "$demo"/extracts/pageviews_*.csv >/dev/null
    "$pvadmin" --db "$db" check
fi
if [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]]; then
    echo "== opening the app on $db"
    exec "$pvadmin" --db "$db"
fi
echo "== no display: a headless tour of the demo warehouse ($db)"
echo
echo "-- the last load runs (pvadmin --db $db runs)"
runs=$("$pvadmin" --db "$db" runs)
sed -n 1p <<<"$runs"
tail -n 5 <<<"$runs"
echo
export LC_ALL=C
first_day=$(sqlite3 "$db" "SELECT date(MIN(as_of), 'unixepoch') FROM snapshots")
next_day=$(date -u -d "$first_day + 1 day" +%F)
echo "-- $first_day: the five biggest postcodes on both bases (users who moved since count differently)"
echo "postcode,current,at-time"
join -t, -a1 -a2 -e0 -o 0,1.2,2.2 \
    <("$pvadmin" --db "$db" report --basis current --grain day --from "$first_day" --to "$next_day" | awk -F, 'NR > 1 { print $2 "," $3 }' | sort -t, -k1,1) \
    <("$pvadmin" --db "$db" report --basis at-time --grain day --from "$first_day" --to "$next_day" | awk -F, 'NR > 1 { print $2 "," $3 }' | sort -t, -k1,1) \
    | sort -t, -k2,2nr | awk 'NR <= 5'
echo
mover=$(sqlite3 "$db" "SELECT user_id FROM user_postcode_history GROUP BY user_id HAVING COUNT(*) > 1 LIMIT 1")
echo "-- a user who moved (pvadmin --db $db history $mover)"
"$pvadmin" --db "$db" history "$mover"
echo
echo "Try: $pvadmin --db $db report --basis at-time --grain week"
