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
# Every line that talks to SQLite (native API, the driver's handle, PRAGMAs, Qt SQL) is in the SQLite engine.
found=$(grep -rlE 'sqlite3|driver\(\)->handle|PRAGMA|QSql' models app ui | grep -v '^models/storage/sqlite/')
[ -z "$found" ] || fail "SQLite or Qt SQL outside models/storage/sqlite/" "$found"
# The engine has no widget dependency.
found=$(grep -rlE '#include <(QtWidgets/)?Q(Widget|Dialog|MainWindow|Label|PushButton|Application|Abstract(Button|ScrollArea))\b' models)
[ -z "$found" ] || fail "a widget header included in models/" "$found"
# SQL text stays in the engine.
found=$(grep -rlE '"(SELECT|INSERT|UPDATE|DELETE|CREATE) ' models app ui | grep -v '^models/storage/sqlite/')
[ -z "$found" ] || fail "SQL text outside models/storage/sqlite/" "$found"
exit $status
