"""Run by scripts/security-tests.sh before the enterprise, county and zone accounts exist:
    python parties.py BASE_URL OUT.json
picks (as admin) a 南昌 county and zone holding firms, two 南昌 firms in both and a 宜春 firm with a diagnosis,
referrals and an open listing, and writes them to OUT.json (read by the `parties` fixture of conftest.py)."""
import json
import os
import sys

os.environ["BRAIN_SEC_BASE"] = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conftest  # noqa: E402  (reads BRAIN_SEC_BASE at import)

admin = conftest.login("admin", conftest.ADMIN_PASSWORD)
found = conftest.discover_accounts_scopes(admin)
with open(sys.argv[2], "w") as f:
    json.dump(found, f, ensure_ascii=False, indent=1)
print("parties:", json.dumps(found, ensure_ascii=False))
