#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on loopback for the workspace's store tests and print its URL.
# Usage: .ci/postgres.sh DIR PORT   (run as root: the server runs as the postgres user)
set -euo pipefail
dir="$1"; port="$2"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "ci: PostgreSQL binaries not found" >&2; exit 1; }
rm -rf "$dir"; mkdir -p "$dir"; chown postgres "$dir"
runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" start >/dev/null
echo "postgresql://postgres@127.0.0.1:$port/postgres"
