#!/usr/bin/env bash
# Measures the foundation at province scale with a release build: seeding time, database size, server memory
# after start and after a burst of API calls. Usage: bash scripts/bench-foundation.sh [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/brain-bench-$$}
rm -rf "$dir"
swift build -c release --product brain >/dev/null
bin=$(swift build -c release --show-bin-path)/brain
echo "== seeding the province demo dataset (release build)"
/usr/bin/time -f "seed: %e s wall, %M KiB peak memory" "$bin" demo --scale province --data "$dir"
"$bin" stats --data "$dir"
echo "== database files"
du -sh "$dir"/brain.sqlite*
echo "== server memory"
port=18080
BRAIN_ADMIN_PASSWORD='Bench#Password1' "$bin" serve --data "$dir" --port $port > "$dir/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
echo "after start: $(grep VmRSS /proc/$pid/status)"
token=$(curl -s -XPOST "http://127.0.0.1:$port/api/v1/auth/login" -d '{"username":"admin","password":"Bench#Password1"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
start=$(date +%s.%N)
for city in 360100 360200 360300 360400 360500 360600 360700 360800 360900 361000 361100; do
  for offset in 0 500 1000; do
    curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/enterprises?region=$city&limit=500&offset=$offset"
  done
done
uscc=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/enterprises?limit=1" | sed 's/.*"uscc":"\([^"]*\)".*/\1/')
for _ in $(seq 1 100); do curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/enterprises/$uscc"; done
end=$(date +%s.%N)
echo "133 API calls (33 pages of 500 firms, 100 enterprise details with 44 months each): $(echo "$end - $start" | bc) s"
echo "after the calls: $(grep VmRSS /proc/$pid/status)"
