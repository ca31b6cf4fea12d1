#!/usr/bin/env bash
# Builds pvadmin (in build/ unless PVADMIN_BUILD_DIR says otherwise), generates a demo warehouse with
# the problems an operator looks for (a missing hour, a file failed on bad rows, a replaced hour, a few
# rejected rows) and one of three months for the Overview zoomed out, and saves a PNG of each desktop
# screen into docs/screenshots/ under a virtual X server.
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

# Three months (2024-01-01 to 03-31) for the weeks and months: quieter weekends, a few more pageviews each
# week; 2024-02-14 05:00 missing, no users snapshot for 2024-03-10, 2024-03-20 09:00 failed on bad rows.
echo "== generating three months of history (loading takes a minute)"
history=$work/history
"$pvadmin" generate --out "$history/all" --users 2000 --days 91 --start 2024-01-01 --pageviews-per-hour 400 \
    --seed 5 >/dev/null
mkdir -p "$history/in"
for day in $(seq 0 90); do
    date=$(date -u -d "2024-01-01 + $day days" +%F)
    [[ $(date -u -d "$date" +%u) -ge 6 ]] && share=$((45 + day * 7 % 11)) || share=$((80 + day * 13 % 17))
    rows=$((250 * share / 100 * (100 + day / 3) / 100))
    for hour in $(seq -w 0 23); do
        head -n $((rows + 1)) "$history/all/pageviews_${date}T$hour.csv" > "$history/in/pageviews_${date}T$hour.csv"
    done
    [[ $date == 2024-03-10 ]] || cp "$history/all/users_extract_$date.csv" "$history/in/"
done
rm "$history/in/pageviews_2024-02-14T05.csv"
awk -F, 'NR > 1 && NR % 10 == 0 { $1 = "user" $1 } { print }' OFS=, "$history/in/pageviews_2024-03-20T09.csv" > "$history/bad.csv"
mv "$history/bad.csv" "$history/in/pageviews_2024-03-20T09.csv"
"$pvadmin" --db "$history/warehouse.sqlite" load "$history"/in/users_extract_*.csv >/dev/null
"$pvadmin" --db "$history/warehouse.sqlite" load "$history"/in/pageviews_*.csv >/dev/null 2>&1 || true

echo "== taking screenshots"
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" "$build/tests/screenshots/pvadmin_screenshots" \
    --db "$db" --history "$history/warehouse.sqlite" --big "$work/big/pageviews_2024-03-01T00.csv" --out "$root/docs/screenshots" \
    --import "$extracts/users_extract_2024-03-03.csv" \
    --import "$extracts/pageviews_2024-03-02T05.csv" \
    --import "$incoming/pageviews_2024-03-02T09.csv"
ls -l "$root"/docs/screenshots/*.png
