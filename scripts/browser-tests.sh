#!/usr/bin/env bash
# Runs the portal's browser tests (tests/browser/portal_browser.py) in Debian's headless chromium against a fresh small
# demo server with the second factor required, then tests/browser/layout_browser.py (every page at 390 and 1440 px). Needs chromium, chromium-driver and fonts-noto-cjk (.ci/run installs
# them) and python3 with venv; installs selenium into /tmp/brain-browser on first use.
#   bash scripts/browser-tests.sh [BRAIN_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
brain=$(realpath "${1:-.build/debug/brain}")
venv=/tmp/brain-browser
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q selenium
fi
data=$(mktemp -d /tmp/brain-browser-data.XXXXXX)
port=${BRAIN_BROWSER_PORT:-18094}
BRAIN_RATE_LIMIT=1000000,1000000,100000 BRAIN_ADMIN_PASSWORD='Admin#Browser2026' \
  "$brain" serve --data "$data" --demo small --port "$port" > "$data/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$data/serve.log"; exit 1; }
"$venv/bin/python" tests/browser/portal_browser.py "http://127.0.0.1:$port" 'Admin#Browser2026' "$brain" "$data"


# Every page at 390 px (a phone) and 1440 px, for each kind of user, on a second server with the second factor optional
# so the script signs in with a password only (tests/browser/layout_browser.py; BRAIN_LAYOUT_PAGES caps pages per user).
layout=$(mktemp -d /tmp/brain-layout-data.XXXXXX)
lport=${BRAIN_LAYOUT_PORT:-18095}
BRAIN_MFA=optional BRAIN_RATE_LIMIT=1000000,1000000,100000 BRAIN_ADMIN_PASSWORD='Admin#Layout2026' \
  "$brain" serve --data "$layout" --demo small --port "$lport" > "$layout/serve.log" 2>&1 &
lpid=$!
trap 'kill $pid $lpid 2>/dev/null || true; wait $pid $lpid 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$lport/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$lport/healthz" >/dev/null || { cat "$layout/serve.log"; exit 1; }
"$venv/bin/python" tests/browser/layout_browser.py "http://127.0.0.1:$lport" 'Admin#Layout2026' "$brain" "$layout" ${BRAIN_LAYOUT_SHOTS:-}
