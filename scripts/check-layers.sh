#!/usr/bin/env bash
# Keeps the web layer thin (docs/architecture.md): no store access and no role comparison in Sources/BrainWeb. Use cases
# in BrainApps read and write the store and decide by permission; Support/Services.swift alone wires them to the store.
#   bash scripts/check-layers.sh        (exit 1 with every offending line; CI runs it)
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
# Store access: any use of a `store` value (services.store, store.sql, AnnouncementDesk(store: …)) outside the wiring.
store=$(grep -rnE '(^|[^A-Za-z_"-])store(\.|:)|services\.store' Sources/BrainWeb --include='*.swift' |
  grep -v '^Sources/BrainWeb/Support/Services.swift:' | grep -vE '^\S+:[0-9]+:\s*///' || true)
if [ -n "$store" ]; then
  echo "store access in Sources/BrainWeb (move it into a use case in BrainApps):"; echo "$store"; status=1
fi
# Role comparisons: decide by permission (Principal.can) or by the named capabilities in BrainSecurity/Principal.swift.
roles=$(grep -rnE 'role (==|!=) *\.|\.role (==|!=)|switch [a-z]+\.role\b|AccessPolicy\.allows\(' Sources/BrainWeb --include='*.swift' || true)
if [ -n "$roles" ]; then
  echo "role comparisons in Sources/BrainWeb (ask a permission or a capability of Principal instead):"; echo "$roles"; status=1
fi
[ $status -eq 0 ] && echo "layers: no store access and no role comparison in Sources/BrainWeb"
exit $status
