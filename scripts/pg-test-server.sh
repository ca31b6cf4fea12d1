#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the test suites' PostgreSQL runs (tests/CMakeLists.txt starts it before
# them and stops it after them): a cluster of its own in DIR/data, superuser pvadmin with trust
# authentication, listening on 127.0.0.1 only, on a free port; DIR/url says where:
# postgresql://pvadmin@127.0.0.1:PORT/postgres. Durability is off (fsync): nothing in it outlives the tests.
#
# initdb and the server refuse to run as root: as root, they run as the unprivileged system user
# pvadmin-test (created when missing), which then owns DIR.
#
# Usage: scripts/pg-test-server.sh start DIR    # stops a server left in DIR first
#        PG_SERVER_SETTINGS='fsync = on' scripts/pg-test-server.sh start DIR   # with more postgresql.conf lines
#        scripts/pg-test-server.sh restart DIR [SECONDS]  # a fast shutdown, SECONDS down (default 0), a start
#                                                         # on the same port (the neighbours test)
#        scripts/pg-test-server.sh stop DIR     # stops it and removes DIR
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
server_user=pvadmin-test
marker=.pg-test-server

fail() {
    echo "pg-test-server: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start|stop DIR, or $0 restart DIR [SECONDS]" >&2
    exit 2
}

[[ ( $# -eq 2 || ( $# -eq 3 && $1 == restart ) ) && ( $1 == start || $1 == stop || $1 == restart ) && -n $2 ]] || usage
down_seconds=${3:-0}
command=$1
dir=$(realpath -m "$2")

# Runs a PostgreSQL program as the server's user: this user, or pvadmin-test when this is root. From DIR, so
# the program never starts in a folder that user cannot enter.
as_server_user() {
    if [[ $(id -u) -eq 0 ]]; then
        (cd "$dir" && runuser -u "$server_user" -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

# DIR holds nothing but what this script put there: never remove a folder of someone else's.
check_ours() {
    if [[ -e $dir && ! -e $dir/$marker && -n $(ls -A "$dir") ]]; then
        fail "$dir is not empty and was not made by this script; not touching it"
    fi
}

stop_server() {
    check_ours
    if [[ -f $dir/data/postmaster.pid ]] && as_server_user "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null \
            || fail "could not stop the server in $dir/data (log: $dir/server.log)"
    fi
    rm -rf "$dir"
}

start_server() {
    [[ -x $bin/initdb ]] || fail "$bin/initdb is missing: install the Debian package postgresql-15 (scripts/quickstart.sh does)"
    stop_server
    mkdir -p "$dir"
    echo "a throwaway PostgreSQL server made by scripts/pg-test-server.sh; 'stop' removes this folder" >"$dir/$marker"
    if [[ $(id -u) -eq 0 ]]; then
        if ! id -u "$server_user" >/dev/null 2>&1; then
            useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$server_user" \
                || id -u "$server_user" >/dev/null 2>&1 || fail "could not create the system user $server_user to run the server as"
        fi
        chown -R "$server_user:" "$dir"
        runuser -u "$server_user" -- test -w "$dir" \
            || fail "$server_user cannot write to $dir (is a folder above it private?); build in a folder other users can enter"
    fi

    as_server_user "$bin/initdb" -D "$dir/data" -U pvadmin --auth=trust -E UTF8 --locale=C --no-sync \
        >"$dir/initdb.log" 2>&1 || { tail -n 20 "$dir/initdb.log" >&2; fail "initdb failed in $dir/data (log: $dir/initdb.log)"; }
    # TCP on 127.0.0.1 only; no Unix socket (the tests connect by TCP, and a socket path in a deep build folder
    # could pass the 107-byte limit). Nothing survives the tests, so nothing needs to reach the disk safely.
    cat >>"$dir/data/postgresql.conf" <<'EOF'

# scripts/pg-test-server.sh: a throwaway server for the tests
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    # PG_SERVER_SETTINGS: more postgresql.conf lines, later ones winning (the benchmark's durable settings).
    [[ -z ${PG_SERVER_SETTINGS:-} ]] || printf '%s\n' "$PG_SERVER_SETTINGS" >>"$dir/data/postgresql.conf"

    # A free port: one nobody answers on, and if another process takes it first, another one.
    local port attempt
    for attempt in $(seq 1 20); do
        port=$((20000 + RANDOM % 12000))
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            continue
        fi
        rm -f "$dir/server.log"
        if as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null; then
            if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U pvadmin -t 30; then
                as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
                fail "the server in $dir/data started but does not accept connections on 127.0.0.1:$port"
            fi
            echo "postgresql://pvadmin@127.0.0.1:$port/postgres" >"$dir/url"
            echo "pg-test-server: PostgreSQL $("$bin/postgres" -V | awk '{ print $3 }') at $(cat "$dir/url") (data in $dir/data)"
            return 0
        fi
        grep -q "could not bind\|Address already in use" "$dir/server.log" 2>/dev/null || break
        echo "pg-test-server: port $port was taken; trying another" >&2
    done
    tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
    fail "the server in $dir/data did not start (log: $dir/server.log)"
}

# A fast shutdown (every client's connection ends), down_seconds with no server, and a start with the options it
# had (its port).
restart_server() {
    [[ -f $dir/$marker && -f $dir/data/postmaster.pid ]] || fail "no server made by this script runs in $dir"
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null \
        || fail "could not stop the server in $dir/data (log: $dir/server.log)"
    sleep "$down_seconds"
    local port
    port=$(sed -E 's|.*:([0-9]+)/.*|\1|' "$dir/url")
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null \
        || fail "could not start the server in $dir/data again (log: $dir/server.log)"
}

case $command in
    start) start_server ;;
    restart) restart_server ;;
    stop) stop_server ;;
esac
