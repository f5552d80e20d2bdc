#!/usr/bin/env bash
# Black-box adversarial security suite (tests/security/, pytest from PyPI) against a live `brain serve` on a freshly
# seeded small demo: floods, cross-party ids on every route, scope escalation by import, poisoned numbers and texts,
# CSV formula injection, login behaviour, double revocation. See tests/security/README.md.
#   bash scripts/security-tests.sh [BRAIN_BINARY [PYTEST_ARGS...]]   (default .build/debug/brain; build it first)
#   e.g. bash scripts/security-tests.sh .build/debug/brain -k 'flood or grant' -x
# Needs python3 with venv; installs pytest into /tmp/brain-security on first use. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
brain=${1:-.build/debug/brain}
[ $# -gt 0 ] && shift
case "$brain" in /*) ;; *) brain="$root/$brain" ;; esac
[ -x "$brain" ] || { echo "no brain binary at $brain (build it first)" >&2; exit 1; }
venv=/tmp/brain-security
if [ ! -x "$venv/bin/pytest" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pytest
fi
data=$(mktemp -d /tmp/brain-sec-data.XXXXXX)
port=${BRAIN_SEC_PORT:-18095}
base="http://127.0.0.1:$port"
export BRAIN_MFA=optional BRAIN_RATE_LIMIT=1000000,1000000,100000 BRAIN_MONITOR_WINDOW=3 BRAIN_ADMIN_PASSWORD='Admin#Security2026'
pidfile="$data/server.pid"

# The server's pid lives in $pidfile: tests that restart the server (or restart it after a crash) write the new pid
# there, so the trap below always stops the current one.
stop_server() {
  if [ -f "$pidfile" ]; then
    local p; p=$(cat "$pidfile")
    kill "$p" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$p" 2>/dev/null || true
    rm -f "$pidfile"
  fi
}
start_server() {
  "$brain" serve --data "$data" --demo small --port "$port" >> "$data/serve.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 480); do curl -sf "$base/healthz" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "the server did not answer /healthz; its log:" >&2; tail -50 "$data/serve.log" >&2; return 1
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# Officials, provider and expert need no enterprise, so they can exist before the demo is seeded.
add_user() {  # NAME ROLE [SCOPE]
  local scope=()
  [ -n "${3:-}" ] && scope=(--scope "$3")
  echo 'Security#2026x' | "$brain" user add --data "$data" "$1" --role "$2" "${scope[@]}" --password-stdin --no-force-change >/dev/null
}
add_user sec-city city-official 360100
add_user sec-city-yc city-official 360900
add_user sec-province province-official 360000
add_user sec-provider provider
add_user sec-expert expert
add_user sec-victim provider
add_user sec-scratch provider
add_user sec-lockable provider

# First start seeds the small demo; then pick the parties as admin and stop to add the enterprise, county and zone
# accounts (their scopes must name firms, counties and zones that hold firms).
start_server
"$venv/bin/python" tests/security/parties.py "$base" "$data/parties.json"
stop_server
party() { "$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$data/parties.json" "$1"; }
add_user sec-county county-official "$(party county)"
add_user sec-zone zone-manager "$(party zone)"
add_user sec-firm enterprise "$(party nc_firm)"
add_user sec-firm2 enterprise "$(party nc_firm2)"
add_user sec-firm-yc enterprise "$(party yc_firm)"
start_server

status=0
BRAIN_SEC_BASE="$base" BRAIN_SEC_DATA="$data" BRAIN_SEC_BINARY="$brain" BRAIN_SEC_PIDFILE="$pidfile" BRAIN_SEC_PORT="$port" \
  BRAIN_SEC_PASSWORD='Security#2026x' \
  "$venv/bin/pytest" -q -p no:cacheprovider tests/security "$@" || status=$?
[ "$status" -eq 0 ] || echo "security suite failed (pytest exit $status); server log: $data/serve.log" >&2
exit "$status"
