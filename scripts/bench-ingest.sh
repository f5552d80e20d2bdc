#!/usr/bin/env bash
# The ingestion interface (POST /api/v1/ingest/indicators) under a light client: ROWS monthly rows of the province demo's
# firms in batches of BATCH, sent by curl from CLIENTS parallel senders (each batch its own Idempotency-Key), then the
# same firm-months as one CSV file through `brain import` (the file importer; the peer) on the same database. Prints both
# rates and their ratio. The request bodies and the CSV are written before the clock starts (by python3).
# Usage: [BRAIN=…] [DATABASE=postgres://…] bash scripts/bench-ingest.sh [DATA_DIR] [ROWS] [BATCH] [CLIENTS]
# Release build unless BRAIN names a binary. DATABASE puts the server and the import on PostgreSQL instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/brain-bench-ingest-$$}
rows=${2:-1000000}
batch=${3:-5000}
clients=${4:-4}
port=${BENCH_PORT:-18132}
rm -rf "$dir" "$dir.bodies"
if [ -z "${BRAIN:-}" ]; then
  swift build -c release --product brain >/dev/null
  bin=$(swift build -c release --show-bin-path)/brain
else
  bin=$BRAIN
fi
db=()
[ -n "${DATABASE:-}" ] && db=(--database "$DATABASE")
export BRAIN_MFA=optional BRAIN_ADMIN_PASSWORD='Bench#Password1' BRAIN_RATE_LIMIT=1000000000,1000000000,1000 LOG_LEVEL=warning
"$bin" serve --data "$dir" "${db[@]}" --demo province --port "$port" > "$dir.serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 1200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
api="http://127.0.0.1:$port/api/v1"
token=$(curl -s -XPOST "$api/auth/login" -d '{"username":"admin","password":"Bench#Password1"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
# The registered firms, read from the database (psql for PostgreSQL).
if [ -n "${DATABASE:-}" ]; then
  psql -qAt "$DATABASE" -c "SELECT uscc FROM enterprises" > "$dir.firms.txt"
else
  python3 -c "import sqlite3,sys; [print(r[0]) for r in sqlite3.connect(sys.argv[1]).execute('SELECT uscc FROM enterprises')]" "$dir/brain.sqlite" > "$dir.firms.txt"
fi
mkdir -p "$dir.bodies"
python3 - "$dir.firms.txt" "$dir.bodies" "$rows" "$batch" <<'PY'
import sys
firms_file, out, rows, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
firms = sorted({line.strip() for line in open(firms_file) if line.strip()})
def month(k):
    back = k // len(firms)                      # months back from 2026-10
    y, m = divmod(2026 * 12 + 9 - back, 12)
    return "%04d-%02d" % (y, m + 1)
def row(k, salt):
    base = 1000 + (k * 7919) % 50000 + salt
    return firms[k % len(firms)], month(k), base, round(base * 0.93), 20000 + (k * 104729) % 900000, 50 + k % 900
n = 0
for b in range(0, rows, batch):
    parts = []
    for k in range(b, min(rows, b + batch)):
        u, m, o, r, e, p = row(k, 0.5)
        parts.append('{"uscc":"%s","month":"%s","output_value":%s,"revenue":%s,"electricity":%s,"employees":%d}' % (u, m, o, r, e, p))
    open("%s/%06d.json" % (out, n), "w").write("[" + ",".join(parts) + "]")
    n += 1
with open(out + "/all.csv", "w") as f:
    f.write("uscc,month,output_value,revenue,electricity,employees\n")
    for k in range(rows):
        u, m, o, r, e, p = row(k, 0.25)
        f.write("%s,%s,%s,%s,%s,%d\n" % (u, m, o, r, e, p))
print("%d firms, %d request bodies of %d rows, months back from 2026-10" % (len(firms), n, batch), file=sys.stderr)
PY
start=$(date +%s.%N)
ls "$dir.bodies" | grep '\.json$' | xargs -P "$clients" -I{} curl -s -o /dev/null -w "%{http_code}\n" -XPOST "$api/ingest/indicators?source=power" \
  -H "Authorization: Bearer $token" -H "Content-Type: application/json" -H "Idempotency-Key: bench-$$-{}" --data-binary "@$dir.bodies/{}" \
  > "$dir.status"
end=$(date +%s.%N)
echo "== interface: answers $(sort "$dir.status" | uniq -c | tr '\n' ' ')"
ingest=$(python3 -c "print($rows / ($end - $start))")
python3 -c "print('== interface: %d rows in %.2f s from $clients senders: %.0f rows/s' % ($rows, $end - $start, $ingest))"
# Let the server finish its view rebuild, then the same firm-months as a file (source tax: every value new again).
sleep 20
start=$(date +%s.%N)
"$bin" import indicators "$dir.bodies/all.csv" --source tax --data "$dir" "${db[@]}" > "$dir.import.log" 2>&1 || true
end=$(date +%s.%N)
file=$(python3 -c "print($rows / ($end - $start))")
python3 -c "print('== file import (brain import): %d rows in %.2f s: %.0f rows/s' % ($rows, $end - $start, $file))"
tail -3 "$dir.import.log"
python3 -c "print('== interface / file import = %.2f' % ($ingest / $file))"
echo "server memory after the run: $(grep VmRSS /proc/$pid/status)"
rm -rf "$dir.bodies"
