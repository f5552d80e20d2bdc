#!/usr/bin/env bash
# Province monitoring overview: ours (release build, in-process, on the indicator cube) against DuckDB over the same
# data (exported to Parquet, tables in memory), in one run. Usage: bash bench/monitor/run.sh [DATA_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/tmp/brain-bench}
runs=${2:-20}
python3 -c "import duckdb" 2>/dev/null || pip install -q duckdb
swift build -c release --product brain-bench >/dev/null
bin=$(swift build -c release --show-bin-path)/brain-bench
"$bin" monitor --data "$dir" --runs "$runs"
period=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select max(month) from indicators').fetchone()[0])" "$dir/brain.sqlite")
python3 bench/monitor/duckdb_overview.py --data "$dir" --period "$period" --runs "$runs"
