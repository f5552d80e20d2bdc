#!/usr/bin/env bash
# kill -9 during a large indicators import: every batch committed before stays whole, the killed one leaves nothing
# (no batch record, no log row, no changed value), the database passes SQLite's integrity check, and importing the same
# file again completes it.
#   bash tests/import/kill-import.sh [BRAIN]         (default .build/debug/brain; SCALE=province for ~1,000,000 rows)
# CI runs it on the debug build with the province demo (1,046,976 firm-months) and kills the import after KILL_AFTER
# rows are merged (default 100,000); RESUME=1 also re-imports the file to the end (minutes on a debug build).
set -euo pipefail
cd "$(dirname "$0")/../.."
brain=$(realpath "${1:-.build/debug/brain}")
scale=${SCALE:-province}
kill_after=${KILL_AFTER:-100000}
work=$(mktemp -d /tmp/brain-kill-import.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$brain" demo --data "$work/d" --scale "$scale" --last-month 2026-10 >/dev/null 2>&1
python3 - "$work" <<'PY'
import sqlite3, sys
work = sys.argv[1]
db = sqlite3.connect(f"{work}/d/brain.sqlite")
rows = db.execute("SELECT uscc, month, output_value, revenue, electricity FROM indicators ORDER BY uscc, month").fetchall()
with open(f"{work}/power.csv", "w") as f:
    f.write("uscc,month,electricity\n")
    for r in rows[:2000]:
        f.write(f"{r[0]},{r[1]},{(r[4] or 0) * 0.97 + 1:.4f}\n")
with open(f"{work}/restatement.csv", "w") as f:
    f.write("uscc,month,output_value,revenue\n")
    for r in rows:
        f.write(f"{r[0]},{r[1]},{(r[2] or 0) * 1.01 + 1:.4f},{(r[3] or 0) * 1.01 + 1:.4f}\n")
print(f"{len(rows)} firm-months in the big file")
PY

# A committed batch before the killed one.
"$brain" import --data "$work/d" indicators "$work/power.csv" --source power >/dev/null
python3 - "$work" > "$work/before.txt" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"{sys.argv[1]}/d/brain.sqlite")
print(db.execute("SELECT COUNT(*), SUM(output_value), SUM(revenue), SUM(electricity) FROM indicators").fetchone())
print(db.execute("SELECT batch_key, rows_changed FROM import_batches ORDER BY imported_at").fetchall())
print(db.execute("SELECT d.batch, COUNT(*) FROM indicator_log l JOIN indicator_deliveries d ON d.id = l.delivery GROUP BY d.batch ORDER BY d.batch").fetchall())
print(db.execute("SELECT COUNT(*) FROM indicator_deliveries").fetchone())
PY

# The big import, killed once it has merged KILL_AFTER rows (--progress prints a line per part of 20,000 rows).
"$brain" import --data "$work/d" indicators "$work/restatement.csv" --progress > "$work/import.log" 2>&1 &
pid=$!
python3 - "$work" "$kill_after" "$pid" <<'PY'
import os, re, sys, time
work, kill_after, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
deadline = time.time() + 900
while time.time() < deadline:
    # --progress prints "…, N parts merged, …" (parts of 20,000 rows).
    parts = [int(n) for n in re.findall(r"(\d+) parts merged", open(f"{work}/import.log").read())]
    if parts and parts[-1] * 20_000 >= kill_after:
        os.kill(pid, 9)
        print(f"killed the import after {parts[-1] * 20_000} rows were merged (not yet committed)")
        sys.exit(0)
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("the import ended before it could be killed: " + open(f"{work}/import.log").read()[-500:])
    time.sleep(0.02)
sys.exit("the import did not reach KILL_AFTER rows within 15 minutes")
PY
wait "$pid" 2>/dev/null || true

python3 - "$work" > "$work/after.txt" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"{sys.argv[1]}/d/brain.sqlite")
print(db.execute("SELECT COUNT(*), SUM(output_value), SUM(revenue), SUM(electricity) FROM indicators").fetchone())
print(db.execute("SELECT batch_key, rows_changed FROM import_batches ORDER BY imported_at").fetchall())
print(db.execute("SELECT d.batch, COUNT(*) FROM indicator_log l JOIN indicator_deliveries d ON d.id = l.delivery GROUP BY d.batch ORDER BY d.batch").fetchall())
print(db.execute("SELECT COUNT(*) FROM indicator_deliveries").fetchone())
PY
python3 - "$work" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"{sys.argv[1]}/d/brain.sqlite")
ok = db.execute("PRAGMA integrity_check").fetchone()[0]
assert ok == "ok", f"integrity check: {ok}"
PY
if ! diff "$work/before.txt" "$work/after.txt"; then
  echo "FAIL: the killed import left a trace (above: before < > after)"; exit 1
fi
echo "ok: after kill -9 the database is whole, the earlier batch is intact and the killed batch left nothing"
cat "$work/after.txt"

if [ "${RESUME:-0}" = 1 ]; then
  "$brain" import --data "$work/d" indicators "$work/restatement.csv" | tail -2
  python3 - "$work" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"{sys.argv[1]}/d/brain.sqlite")
n = db.execute("SELECT COUNT(*) FROM import_batches").fetchone()[0]
assert n == 2, f"expected two batches after the re-run, found {n}"
print("ok: importing the same file again completed it:", db.execute("SELECT rows_total, rows_changed FROM import_batches ORDER BY imported_at DESC LIMIT 1").fetchone())
PY
fi
