#!/usr/bin/env bash
# Server time per portal page on a data folder (the province demo for the issue's numbers), with wrk against a
# release build. Each page is loaded with a city or province official's session cookie for 10 s, one request at a time
# (the server time per page; add BENCH_CONNECTIONS=4 for a loaded server); the JSON overview the dashboard renders is measured alongside it for comparison.
#   swift build -c release --product brain
#   bash bench/portal/run.sh DATA_DIR [PORT]
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:?data folder (seeded with the province demo)}
port=${2:-18095}
brain=.build/release/brain
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
echo 'Bench#Province2026' | "$brain" user add --data "$data" bench-province --role province-official --scope 360000 --password-stdin --no-force-change >/dev/null 2>&1 || true
echo 'Bench#Admin20262026' | "$brain" user add --data "$data" bench-admin --role admin --password-stdin --no-force-change >/dev/null 2>&1 || true
echo 'Bench#Nanchang2026' | "$brain" user add --data "$data" bench-nanchang --role city-official --scope 360100 --password-stdin --no-force-change >/dev/null 2>&1 || true
BRAIN_MFA=optional BRAIN_RATE_LIMIT=100000000,100000000,100000 "$brain" serve --data "$data" --port "$port" > /tmp/brain-portal-bench.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
cookie() {
  curl -s -o /dev/null -D - -X POST "http://127.0.0.1:$port/login" --data "username=$1&password=$2" |
    sed -n 's/^[Ss]et-[Cc]ookie: \(brain_session=[^;]*\).*/\1/p'
}
token() {
  curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/login" -d "{\"username\":\"$1\",\"password\":\"$2\"}" | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])'
}
province=$(cookie bench-province 'Bench%23Province2026')
nanchang=$(cookie bench-nanchang 'Bench%23Nanchang2026')
admin=$(cookie bench-admin 'Bench%23Admin20262026')
api=$(token bench-province 'Bench#Province2026')
run() {  # label, header, path
  local out
  out=$(wrk -t1 -c"${BENCH_CONNECTIONS:-1}" -d10s --latency -H "$2" "http://127.0.0.1:$port$3" 2>&1)
  printf "%-44s median %8s   p90 %8s   %s req/s\n" "$1" "$(echo "$out" | awk '/ 50%/{print $2}')" "$(echo "$out" | awk '/ 90%/{print $2}')" \
    "$(echo "$out" | awk '/Requests\/sec/{print $2}')"
}
echo "pages (province official unless noted)"
run "/ (home, headline figures)" "Cookie: $province" "/"
run "/dashboard (province)" "Cookie: $province" "/dashboard"
run "/dashboard?region=360100 (南昌, as 南昌)" "Cookie: $nanchang" "/dashboard"
run "/warnings" "Cookie: $province" "/warnings"
run "/chains?chain=NEWENERGY" "Cookie: $province" "/chains?chain=NEWENERGY"
run "/evaluation?chain=NFM" "Cookie: $province" "/evaluation?chain=NFM"
run "/talent" "Cookie: $province" "/talent"
run "/policies" "Cookie: $province" "/policies"
run "/investment?chain=NEWENERGY" "Cookie: $province" "/investment?chain=NEWENERGY"
run "/electricity" "Cookie: $province" "/electricity"
run "/chains/link?code=NFM-04" "Cookie: $province" "/chains/link?code=NFM-04"
run "/chains/upgrade?chain=NFM" "Cookie: $province" "/chains/upgrade?chain=NFM"
run "/demonstration" "Cookie: $province" "/demonstration"
run "/transformation" "Cookie: $province" "/transformation"
run "/market" "Cookie: $province" "/market"
run "/services" "Cookie: $province" "/services"
run "/console (administrator)" "Cookie: $admin" "/console"
echo "for comparison"
run "GET /api/v1/monitor/overview (JSON)" "Authorization: Bearer $api" "/api/v1/monitor/overview"
run "GET /healthz" "X-Bench: 1" "/healthz"
