#!/usr/bin/env bash
# Builds pvadmin (in build/ unless PVADMIN_BUILD_DIR says otherwise), generates a demo warehouse of four
# days with movers (the last one partly loaded), and saves PNGs of the analyst's screens (History, Charts, Reports) into docs/screenshots/ under a
# virtual X server.
# Usage: scripts/analyst-screenshots.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${PVADMIN_BUILD_DIR:-$root/build}
if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target pvadmin analyst_screenshots
pvadmin=$build/app/pvadmin

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== generating a demo warehouse in $work"
"$pvadmin" generate --out "$work/extracts" --users 5000 --days 4 --pageviews-per-hour 2000 --move-rate 0.05 \
    --seed 42 >/dev/null
# The last day's feed stops after its fifth hour, so the screens show a partial day (5 of 24 hours loaded)
# and hours never loaded.
rm -f "$work"/extracts/pageviews_2024-03-04T{05..23}.csv
"$pvadmin" --db "$work/warehouse.sqlite" load "$work"/extracts/*.csv >/dev/null

echo "== taking screenshots"
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" "$build/tests/analystscreenshots/analyst_screenshots" \
    --db "$work/warehouse.sqlite" --out "$root/docs/screenshots"
ls -l "$root"/docs/screenshots/{history,charts,charts-export,charts-hours,charts-zoomed,charts-month,charts-difference,charts-top,reports}.png
