#!/usr/bin/env bash
# Indicator import through `brain import` (release build): wall time and peak memory for a first load (every indicator of
# every firm-month into a register without figures), a whole restatement file (every value 1 % higher, statistics bureau,
# over the demo's values) and an electricity-only file from the power company, on copies of one seeded demo database. Give a second binary to compare two builds on the same files in the same run.
#   swift build -c release --product brain && swift build -c release --product brain-bench
#   bash bench/import/run.sh [BRAIN [OTHER_BRAIN]]      (BENCH_SCALE=small|province, default small)
set -euo pipefail
cd "$(dirname "$0")/../.."
brains=("${1:-.build/release/brain}")
[ -n "${2:-}" ] && brains+=("$2")
scale=${BENCH_SCALE:-small}
work=$(mktemp -d /tmp/brain-import-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
"${brains[0]}" demo --data "$work/seed" --scale "$scale" --last-month 2026-10 >/dev/null 2>&1
python3 - "$work/seed/brain.sqlite" "$work" <<'PY'
import sqlite3, sys
db, out = sys.argv[1], sys.argv[2]
rows = sqlite3.connect(db).execute("SELECT uscc, month, output_value, revenue, profit, electricity, tax, employees, export_value, rd_expense, receivables, inventory FROM indicators ORDER BY uscc, month").fetchall()
cols = "uscc,month,output_value,revenue,profit,electricity,tax,employees,export_value,rd_expense,receivables,inventory"
def cell(v, k):
    if v is None: return ""
    if k == 5: return str(int(v))
    return f"{v * 1.01:.4f}"
with open(f"{out}/restatement.csv", "w") as f:
    f.write(cols + "\n")
    for r in rows: f.write(",".join([r[0], r[1]] + [cell(v, i) for i, v in enumerate(r[2:])]) + "\n")
with open(f"{out}/power.csv", "w") as f:
    f.write("uscc,month,electricity\n")
    for r in rows:
        if r[5] is not None: f.write(f"{r[0]},{r[1]},{r[5] * 0.97:.4f}\n")
print(f"{len(rows)} firm-months")
PY
# The restatement as an XLSX workbook too (needs brain-bench from the same build as the first BRAIN).
bench="$(dirname "${brains[0]}")/brain-bench"
files=(first-load restatement power)
if [ -x "$bench" ]; then "$bench" csv-to-xlsx "$work/restatement.csv" "$work/restatement-xlsx.xlsx" >/dev/null && files+=(restatement-xlsx); fi
# first-load: the same firm-months into a copy whose indicators are empty (the register only): every value new.
for file in "${files[@]}"; do
  source=statistics; [ "$file" = power ] && source=power
  csv=$file.csv; [ "$file" = first-load ] && csv=restatement.csv; [ "$file" = restatement-xlsx ] && csv=restatement-xlsx.xlsx
  for b in "${brains[@]}"; do
    # Builds from before XLSX cannot read the workbook.
    [ "$file" = restatement-xlsx ] && [ "$b" != "${brains[0]}" ] && continue
    rm -rf "$work/run"; cp -r "$work/seed" "$work/run"
    if [ "$file" = first-load ]; then
      python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DELETE FROM indicators'); c.commit(); c.execute('VACUUM')" "$work/run/brain.sqlite"
    fi
    args=(import --data "$work/run" indicators "$work/$csv")
    # A build from before sources were kept has no --source; it overwrites whole rows.
    "$b" import --help 2>&1 | grep -q -- "--source" && args+=(--source "$source")
    /usr/bin/time -f "%e %M" -o "$work/time" "$b" "${args[@]}" >/dev/null 2>&1 || true
    read -r secs kib < "$work/time"
    rows=$(($(wc -l < "$work/restatement.csv") - 1)); [ "$file" = power ] && rows=$(($(wc -l < "$work/power.csv") - 1))
    printf '%-12s %-40s %8d rows %7.1f s %8.0f rows/s %6d MiB\n' "$file" "$b" "$rows" "$secs" "$(echo "$rows / $secs" | bc -l)" $((kib / 1024))
  done
done
