#!/usr/bin/env bash
# Fuzzes the extract reader or its field validators with libFuzzer (docs/fuzzing.md) for SECONDS (default 600).
#   scripts/fuzz.sh [reader|validators] [SECONDS] [libFuzzer options...]
# The target defaults to reader, so the older form scripts/fuzz.sh [SECONDS] still fuzzes the reader.
# Configures and builds build-fuzz/ (clang, -DPVADMIN_FUZZ=ON, ASan + UBSan), copies the target's seed corpus
# tests/fuzz/corpus/TARGET/ to build-fuzz/fuzz-corpus/TARGET/ (the working corpus, which grows and is kept
# between runs), and runs fuzz_extract_reader or fuzz_field_validators there with the dictionary
# tests/fuzz/extract.dict. A crash, leak or timeout is written to build-fuzz/fuzz-artifacts/TARGET/.
# Extra arguments go to libFuzzer and win over the script's own (e.g. -jobs=2, -max_len=16384).
set -euo pipefail

target=reader
case ${1:-} in
reader | validators) target=$1; shift ;;
esac
seconds=${1:-600}
shift || true
case $seconds in
'' | *[!0-9]*) echo "usage: scripts/fuzz.sh [reader|validators] [SECONDS] [libFuzzer options...]" >&2; exit 2 ;;
esac
case $target in
reader) binary=fuzz_extract_reader; max_len=4096 ;;   # 2 selector bytes + content, read in chunks from 1 byte
validators) binary=fuzz_field_validators; max_len=256 ;; # one field value; more than 80 bytes is cut in messages
esac

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
for tool in clang clang++ cmake ninja; do
    command -v $tool >/dev/null || { echo "fuzz.sh: $tool is needed (Debian: apt-get install clang cmake ninja-build)" >&2; exit 1; }
done

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DPVADMIN_FUZZ=ON -DPVADMIN_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build" -j"${FUZZ_BUILD_JOBS:-2}" $binary

corpus=$build/fuzz-corpus/$target
artifacts=$build/fuzz-artifacts/$target
mkdir -p "$corpus" "$artifacts"
cp -n "$root"/tests/fuzz/corpus/$target/* "$corpus"/ 2>/dev/null || true

echo "fuzz.sh: fuzzing $binary for $seconds s; corpus $corpus, crashes in $artifacts"
cd "$build"
# halt_on_error: UBSan stops at the first report, so libFuzzer saves the input.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
status=0
tests/fuzz/$binary "$corpus" -dict="$root"/tests/fuzz/extract.dict -max_total_time="$seconds" -max_len=$max_len \
    -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts"/ "$@" || status=$?
echo "fuzz.sh: corpus now $(ls "$corpus" | wc -l) inputs, $(du -sh "$corpus" | cut -f1)"
ls "$artifacts" | sed 's/^/fuzz.sh: found /'
exit $status
