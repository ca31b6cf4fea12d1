#!/usr/bin/env bash
# Builds pvadmin (in build/ unless PVADMIN_BUILD_DIR says otherwise), generates a demo warehouse with
# the problems an operator looks for (a missing hour, a file failed on bad rows, a replaced hour, a few
# rejected rows), and saves a PNG of each desktop screen into docs/ under a virtual X server.
# Usage: scripts/screenshots.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${PVADMIN_BUILD_DIR:-$root/build}
if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target pvadmin pvadmin_screenshots
pvadmin=$build/app/pvadmin

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
extracts=$work/extracts
db=$work/warehouse.sqlite
echo "== generating a demo warehouse in $work"
"$pvadmin" generate --out "$extracts" --users 5000 --days 3 --pageviews-per-hour 2000 --seed 42 >/dev/null
"$pvadmin" --db "$db" load "$extracts"/users_extract_*.csv >/dev/null

# 2024-03-02 05:00 stays missing; 09:00 fails on bad rows; 2024-03-03 10:00 is loaded twice (replaced);
# 2024-03-03 14:00 loads with a few rejected rows.
incoming=$work/incoming
mkdir -p "$incoming"
awk -F, 'NR > 1 && NR % 15 == 0 { $1 = "user" $1 } NR > 1 && NR % 37 == 0 { $3 = "yesterday" } { print }' OFS=, \
    "$extracts/pageviews_2024-03-02T09.csv" > "$incoming/pageviews_2024-03-02T09.csv"
awk -F, 'NR > 1 && NR % 700 == 0 { $3 = "2024-03-03 14:61:00" } { print }' OFS=, \
    "$extracts/pageviews_2024-03-03T14.csv" > "$incoming/pageviews_2024-03-03T14.csv"
head -n 1900 "$extracts/pageviews_2024-03-03T10.csv" > "$incoming/pageviews_2024-03-03T10_resent.csv"
for f in "$extracts"/pageviews_*.csv; do
    case $(basename "$f") in
        pageviews_2024-03-02T05.csv|pageviews_2024-03-02T09.csv|pageviews_2024-03-03T14.csv) continue ;;
    esac
    echo "$f"
done | xargs "$pvadmin" --db "$db" load >/dev/null
"$pvadmin" --db "$db" load "$incoming/pageviews_2024-03-02T09.csv" >/dev/null 2>&1 || true
"$pvadmin" --db "$db" load "$incoming/pageviews_2024-03-03T14.csv" >/dev/null
"$pvadmin" --db "$db" load --replace "$incoming/pageviews_2024-03-03T10_resent.csv" >/dev/null

# A larger hour for the progress panel, caught midway and cancelled.
"$pvadmin" generate --out "$work/big" --users 200000 --days 1 --hours-per-day 1 --pageviews-per-hour 6000000 \
    --seed 7 >/dev/null

echo "== taking screenshots"
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" "$build/tests/screenshots/pvadmin_screenshots" \
    --db "$db" --big "$work/big/pageviews_2024-03-01T00.csv" --out "$root/docs" \
    --import "$extracts/users_extract_2024-03-03.csv" \
    --import "$extracts/pageviews_2024-03-02T05.csv" \
    --import "$incoming/pageviews_2024-03-02T09.csv"
ls -l "$root"/docs/*.png
