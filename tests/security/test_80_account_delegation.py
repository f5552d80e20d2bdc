"""Contract 8: delegated account administration cannot escalate.

南昌 callers try to create accounts above their level or outside their scope, one by one (`POST /api/v1/users`) and
in a file (`POST /api/v1/users/import`): an administrator, a province official, a peer city official, 宜春's county
officials, an enterprise user of a 宜春 firm, a provider. Expectations: one by one 403 and no account; in a file every
such row rejected (field and reason) and no account; never a 5xx. A new account's first token reaches nothing but the
password change (403 `password_change_required`)."""
import json

from conftest import USERS, assert_no_5xx, get, is_2xx, post_json, request

ESCALATIONS = [
    ("city", {"role": "admin"}),
    ("city", {"role": "province-official", "scope": "360000"}),
    ("city", {"role": "city-official", "scope": "360100"}),
    ("city", {"role": "county-official", "scope": "360902"}),
    ("city", {"role": "provider"}),
    ("county", {"role": "county-official", "scope": "360121"}),
    ("zone", {"role": "city-official", "scope": "360100"}),
    ("enterprise", {"role": "enterprise"}),
    ("provider", {"role": "expert"}),
    ("expert", {"role": "expert"}),
]


def test_no_escalation_one_by_one(tokens, parties):
    for k, (who, extra) in enumerate(ESCALATIONS):
        body = dict({"username": f"sec-esc-{k}"}, **extra)
        if extra["role"] == "enterprise":
            body["scope"] = parties["yc_firm"]
        r = post_json("/api/v1/users", tokens[who], body)
        what = f"{USERS[who]} creating {body}"
        assert_no_5xx(r, what)
        assert r.status == 403, f"{what}: expected 403, got {r.short(200)}"
        assert get(f"/api/v1/users", tokens["admin"]).text.count(f'"sec-esc-{k}"') == 0, f"{what}: the account exists"


def test_an_other_partys_firm_is_refused(tokens, parties):
    r = post_json("/api/v1/users", tokens["city"], {"username": "sec-esc-yc-firm", "role": "enterprise", "scope": parties["yc_firm"]})
    assert_no_5xx(r, "city creating a 宜春 firm user")
    assert r.status == 403, r.short(200)


def test_no_escalation_in_a_file(tokens, parties):
    rows = ["username,name,role,scope,contact", "sec-file-admin,x,admin,,", "sec-file-prov,x,province-official,360000,",
            "sec-file-yc,x,county-official,360902,", f"sec-file-firm,x,enterprise,{parties['yc_firm']},"]
    r = request("POST", "/api/v1/users/import", tokens["city"], body="\n".join(rows) + "\n", content_type="text/csv")
    assert_no_5xx(r, "city importing escalations")
    assert is_2xx(r), r.short(200)
    rep = r.json()
    assert rep["created"] == 0 and rep["rejected"] == 4, rep
    assert all(x["outcome"] == "rejected" and x["field"] in ("role", "scope") for x in rep["results"]), rep


def test_a_new_accounts_first_token_only_changes_the_password(tokens, parties):
    r = post_json("/api/v1/users", tokens["admin"], {"username": "sec-newcomer", "role": "expert"})
    assert r.status == 201, r.short(200)
    initial = r.json()["initialPassword"]
    login = post_json("/api/v1/auth/login", None, {"username": "sec-newcomer", "password": initial})
    assert login.status == 200 and login.json()["passwordChangeRequired"] is True, login.short(200)
    limited = login.json()["token"]
    for path in ["/api/v1/regions", "/api/v1/enterprises?limit=1", "/api/v1/me/sessions"]:
        x = get(path, limited)
        assert x.status == 403 and json.loads(x.text)["error"]["code"] == "password_change_required", f"{path}: {x.short(200)}"
