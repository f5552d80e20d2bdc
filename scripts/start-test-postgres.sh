#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages when missing, starts the local cluster, creates the role `brain` and the
# database `brain_test`, and prints the connection URL on its last line. Safe to run again.
set -euo pipefail
db=${1:-brain_test}
export DEBIAN_FRONTEND=noninteractive
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
fi
ver=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
[ -d "/etc/postgresql/$ver/main" ] || pg_createcluster "$ver" main >/dev/null
pg_ctlcluster "$ver" main status >/dev/null 2>&1 || pg_ctlcluster "$ver" main start
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
pg_isready -h 127.0.0.1 -p 5432 >/dev/null
su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='brain'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"create role brain login password 'brain' createdb\"" >/dev/null
su postgres -c "psql -qtAc \"select 1 from pg_database where datname='$db'\"" | grep -q 1 ||
  su postgres -c "createdb -O brain $db"
echo "postgres://brain:brain@127.0.0.1:5432/$db"
