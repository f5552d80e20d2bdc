#!/usr/bin/env bash
# Runs schemathesis (property-based API testing from PyPI) against /openapi.json of a freshly seeded small demo
# server, as a city official, an enterprise user and a provider: fails on any server error (5xx) or any response that
# breaks the documented schema.
#   bash scripts/schemathesis.sh [BRAIN_BINARY]      (default .build/debug/brain; build it first)
# Needs python3 with venv; installs schemathesis into /tmp/brain-schemathesis on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
brain=${1:-.build/debug/brain}
venv=/tmp/brain-schemathesis
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q schemathesis
fi
data=$(mktemp -d /tmp/brain-st-data.XXXXXX)
port=${BRAIN_ST_PORT:-18093}
# A city official and a provider (they need no enterprise, so they can exist before the demo is seeded); the enterprise
# user is added once the demo has its firms.
echo 'Official#2026x' | "$brain" user add --data "$data" st-official --role city-official --scope 360100 --password-stdin --no-force-change >/dev/null
echo 'Provider#2026x' | "$brain" user add --data "$data" st-provider --role provider --password-stdin --no-force-change >/dev/null
# A service client of 南昌 that may deliver monthly indicators and enterprises: the interface's routes as a machine calls them.
client_key=$("$brain" clients add --data "$data" st-client --name "schemathesis 客户端" --region 360100 --writes indicators,enterprises | grep '^bk_')
BRAIN_MFA=optional BRAIN_RATE_LIMIT=1000000,1000000,100000,1000000 BRAIN_ADMIN_PASSWORD='Admin#Schemathesis1' \
  "$brain" serve --data "$data" --demo small --port "$port" > "$data/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$data/serve.log"; exit 1; }
token() {
  curl -s -XPOST "http://127.0.0.1:$port/api/v1/auth/login" -d "{\"username\":\"$1\",\"password\":\"$2\"}" |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])'
}
admin=$(token admin 'Admin#Schemathesis1')
firm=$(curl -s -H "Authorization: Bearer $admin" "http://127.0.0.1:$port/api/v1/enterprises?region=360100&limit=1" |
  python3 -c 'import sys, json; print(json.load(sys.stdin)["items"][0]["uscc"])')
echo 'Enterprise#2026x' | "$brain" user add --data "$data" st-firm --role enterprise --scope "$firm" --password-stdin --no-force-change >/dev/null
# Routes that end the caller's own session are left out (they would log the run out). Each role gets its own run: what
# one role may do (write listings, grants, diagnoses) another is refused, and every answer must match the document.
status=0
run() {
  echo "== schemathesis as $1"
  "$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" -H "Authorization: Bearer $2" \
    --checks not_a_server_error,response_schema_conformance --max-examples "${BRAIN_ST_EXAMPLES:-15}" --phases examples,coverage,fuzzing \
    --exclude-path /api/v1/auth/logout --exclude-path /api/v1/me/password --exclude-path-regex 'sessions/\{jti\}/revoke' \
    --seed 2026 || status=1
}
for account in "st-official Official#2026x" "st-firm Enterprise#2026x" "st-provider Provider#2026x"; do
  set -- $account
  run "$1" "$(token "$1" "$2")"
done
run "client st-client" "$client_key"
exit $status
