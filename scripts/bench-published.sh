#!/usr/bin/env bash
# Reads a published overview (服务资源目录, GET /api/v1/hub/services/{id}/data) under wrk at 256 connections with a
# release build, next to three peers in the same run: Hummingbird alone (bench/hello: one route answering as many bytes,
# no middleware; the ceiling of the framework on this machine), GET /healthz and the same overview at
# /api/v1/monitor/overview.
# Two consumers read it: a 南昌 city official whose request the administrator approved (a bearer token), and a 南昌
# service client created with the service in its reads (an API key; every call of it is also written to the audit ledger).
# Usage: [BRAIN=…] [HELLO=…] bash scripts/bench-published.sh [DATA_DIR] [SECONDS]
# HELLO=path/to/hello uses an already built bench/hello instead of building it (release, about 3 minutes cold).
# Needs wrk (Debian: apt-get install wrk). The per-address and per-user rate limits are lifted for the run
# (BRAIN_RATE_LIMIT), since wrk calls from one address as one consumer; the service's own daily quota stays checked.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/brain-bench-published-$$}
seconds=${2:-20}
port=${BENCH_PORT:-18131}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
rm -rf "$dir"
# BRAIN=path/to/brain measures that binary instead of building the release one (e.g. a debug build, to compare).
if [ -z "${BRAIN:-}" ]; then
  swift build -c release --product brain >/dev/null
  bin=$(swift build -c release --show-bin-path)/brain
else
  bin=$BRAIN
fi
export BRAIN_MFA=optional BRAIN_ADMIN_PASSWORD='Bench#Password1' BRAIN_RATE_LIMIT=1000000000,1000000000,1000 LOG_LEVEL=warning
# The ceiling peer: Hummingbird alone (bench/hello, one route, no middleware), answering as many bytes as the overview.
if [ -z "${HELLO:-}" ]; then
  (cd bench/hello && swift build -c release >/dev/null)
  hello=$(cd bench/hello && swift build -c release --show-bin-path)/hello
else
  hello=$HELLO
fi
"$hello" "$((port + 1))" > "$dir.hello.log" 2>&1 &
hpid=$!
"$bin" serve --data "$dir" --demo small --port "$port" > "$dir.serve.log" 2>&1 &
pid=$!
trap 'kill $pid $hpid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
echo 'Bench#Nanchang1' | "$bin" user add bench-nanchang --role city-official --scope 360100 --password-stdin --no-force-change --data "$dir" >/dev/null
api="http://127.0.0.1:$port/api/v1"
login() { curl -s -XPOST "$api/auth/login" -d "{\"username\":\"$1\",\"password\":\"$2\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/'; }
admin=$(login admin 'Bench#Password1')
consumer=$(login bench-nanchang 'Bench#Nanchang1')
curl -sf -XPOST -H "Authorization: Bearer $admin" "$api/hub/services" -d '{"id":"bench-overview","title":"基准测试总览","description":"按调用方地区的工业运行总览","source":"overview","dailyCalls":1000000000}' >/dev/null
request=$(curl -sf -XPOST -H "Authorization: Bearer $consumer" "$api/hub/services/bench-overview/requests" -d '{"reason":"基准测试"}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
curl -sf -XPOST -H "Authorization: Bearer $admin" "$api/hub/requests/$request/approve" >/dev/null
key=$(curl -sf -XPOST -H "Authorization: Bearer $admin" "$api/clients" \
  -d '{"id":"bench-client","name":"基准测试客户端","region":"360100","reads":["bench-overview"]}' | sed 's/.*"key":"\([^"]*\)".*/\1/')
official="Authorization: Bearer $consumer"
client="X-API-Key: $key"
bytes=$(curl -sf -H "$official" "$api/hub/services/bench-overview/data" | wc -c)
clientBytes=$(curl -sf -H "$client" "$api/hub/services/bench-overview/data" | wc -c)
echo "== published overview answers $bytes bytes to the official, $clientBytes to the client; $(nproc) cores; wrk -t2 -c256 -d${seconds}s"
run() {
  echo "-- $1"
  wrk -t2 -c256 -d"${seconds}s" --latency -H "$2" "$3" | grep -E "Requests/sec|Latency  |99%|Non-2xx|Socket errors"
}
run "GET /hello on bench/hello (ceiling peer: Hummingbird alone, 18,243 bytes, no middleware, no database)" "$official" "http://127.0.0.1:$((port + 1))/hello"
run "GET /healthz (peer: no authentication; one database read)" "$official" "http://127.0.0.1:$port/healthz"
run "GET /api/v1/monitor/overview (peer: the same overview, unpublished, official)" "$official" "$api/monitor/overview"
run "GET /api/v1/hub/services/bench-overview/data (published, metered, quota checked; official's token)" "$official" "$api/hub/services/bench-overview/data"
run "GET /api/v1/hub/services/bench-overview/data (published; service client's API key, every call audited)" "$client" "$api/hub/services/bench-overview/data"
sleep 6
usage=$(curl -sf -H "Authorization: Bearer $admin" "$api/hub/usage?service=bench-overview")
echo "== metered (flushed every 5 s): $(echo "$usage" | grep -o '"consumer":"[^"]*"[^}]*"calls":[0-9]*\|"calls":[0-9]*[^}]*"consumer":"[^"]*"' | tr '\n' ' ')"
echo "== audit ledger: $("$bin" audit verify --data "$dir" 2>&1 | tail -1)"
echo "server memory after the run: $(grep VmRSS /proc/$pid/status)"
