#!/bin/sh
# The layout's rules (docs/architecture.md), checked on the sources: a change that breaks one fails here
# with the files that break it.
# Usage: tests/layout_rules.sh SOURCE_DIR
cd "${1:-.}" || exit 2
status=0
fail() {
    echo "layout rule broken: $1" >&2
    echo "$2" | sed 's/^/  /' >&2
    status=1
}
# Every line that talks to SQLite (native API, PRAGMAs) is in the SQLite engine, every line that talks to
# libpq in the PostgreSQL engine; Qt SQL (and a driver's native handle) only in the engines and the read
# paths they share (models/storage/sql/).
found=$(grep -rlE 'sqlite3|PRAGMA' models app ui | grep -v '^models/storage/sqlite/')
[ -z "$found" ] || fail "SQLite outside models/storage/sqlite/" "$found"
found=$(grep -rlE '#include <libpq|PGconn|PGresult|PQ[a-z]+\(' models app ui | grep -v '^models/storage/postgres/')
[ -z "$found" ] || fail "libpq outside models/storage/postgres/" "$found"
found=$(grep -rlE 'driver\(\)->handle|QSql' models app ui | grep -vE '^models/storage/(sqlite|postgres|sql)/')
[ -z "$found" ] || fail "Qt SQL outside the storage engines" "$found"
# The engine has no widget dependency.
found=$(grep -rlE '#include <(QtWidgets/)?Q(Widget|Dialog|MainWindow|Label|PushButton|Application|Abstract(Button|ScrollArea))\b' models)
[ -z "$found" ] || fail "a widget header included in models/" "$found"
# SQL text stays in the engines.
found=$(grep -rlE '"(SELECT|INSERT|UPDATE|DELETE|CREATE|COPY) ' models app ui | grep -vE '^models/storage/(sqlite|postgres|sql)/')
[ -z "$found" ] || fail "SQL text outside the storage engines" "$found"
exit $status
