#!/usr/bin/env bash
# Fuzzes the extract reader and its validators with libFuzzer (docs/fuzzing.md) for SECONDS (default 600).
#   scripts/fuzz.sh [SECONDS]
# Configures and builds build-fuzz/ (clang, -DPVADMIN_FUZZ=ON, ASan + UBSan), copies the seed corpus
# tests/fuzz/corpus/ to build-fuzz/fuzz-corpus/ (the working corpus, which grows and is kept between runs),
# and runs fuzz_extract_reader there. A crash, leak or timeout is written to build-fuzz/fuzz-artifacts/.
# Extra arguments after SECONDS go to libFuzzer (e.g. -jobs=2).
set -euo pipefail

seconds=${1:-600}
shift || true
case $seconds in
'' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [libFuzzer options...]" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
for tool in clang clang++ cmake ninja; do
    command -v $tool >/dev/null || { echo "fuzz.sh: $tool is needed (Debian: apt-get install clang cmake ninja-build)" >&2; exit 1; }
done

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DPVADMIN_FUZZ=ON -DPVADMIN_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build" -j"${FUZZ_BUILD_JOBS:-2}" fuzz_extract_reader

corpus=$build/fuzz-corpus
artifacts=$build/fuzz-artifacts
mkdir -p "$corpus" "$artifacts"
cp -n "$root"/tests/fuzz/corpus/* "$corpus"/ 2>/dev/null || true

echo "fuzz.sh: fuzzing for $seconds s; corpus $corpus, crashes in $artifacts"
cd "$build"
# halt_on_error: UBSan stops at the first report, so libFuzzer saves the input.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
status=0
tests/fuzz/fuzz_extract_reader "$corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$artifacts"/ "$@" || status=$?
echo "fuzz.sh: corpus now $(ls "$corpus" | wc -l) inputs, $(du -sh "$corpus" | cut -f1)"
ls "$artifacts" | sed 's/^/fuzz.sh: found /'
exit $status
