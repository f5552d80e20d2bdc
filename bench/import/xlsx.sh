#!/usr/bin/env bash
# XLSX reader throughput and peak memory (release build): writes a 1,000,000-row indicators workbook (uscc, month and ten
# numbers) with XLSXWriter, then reads every row with XLSXReader, timed and under /usr/bin/time for the peak RSS and the
# CPU time (the sheet is inflated on a second thread while the first parses; on a loaded machine wall time suffers).
#   swift build -c release --product brain-bench
#   bash bench/import/xlsx.sh [ROWS]        (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=${BRAIN_BENCH:-.build/release/brain-bench}
rows=${1:-1000000}
work=$(mktemp -d /tmp/brain-xlsx-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
/usr/bin/time -f "%e s, peak %M KiB" -o "$work/wtime" "$bench" xlsx-write "$work/indicators.xlsx" --rows "$rows"
echo "  writer: $(cat "$work/wtime")"
for run in 1 2 3; do
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bench" xlsx-read "$work/indicators.xlsx"
  read -r secs user sys kib < "$work/time"
  echo "  run $run: ${secs} s wall, ${user} s user + ${sys} s system CPU (both threads), peak memory $((kib / 1024)) MiB; load average $(cut -d' ' -f1 /proc/loadavg)"
done
