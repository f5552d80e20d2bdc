"""Contract 8: revoking a data grant twice — the second revoke is not a 200 (404 or 409)."""
from conftest import USERS, assert_no_5xx, post_json, request


def test_revoking_a_grant_twice(tokens, parties):
    firm = tokens["enterprise"]
    r = post_json(f"/api/v1/enterprises/{parties['nc_firm']}/grants", firm,
                  {"grantee": USERS["provider"], "datasets": ["listings"], "purpose": "安全测试：撤销两次", "days": 30})
    assert r.status == 201, f"enterprise POST /api/v1/enterprises/{parties['nc_firm']}/grants: {r.short()}"
    gid = r.json()["id"]
    first = request("POST", f"/api/v1/grants/{gid}/revoke", firm)
    assert first.status == 200, f"enterprise POST /api/v1/grants/{gid}/revoke (first): {first.short()}"
    second = request("POST", f"/api/v1/grants/{gid}/revoke", firm)
    assert_no_5xx(second, f"enterprise POST /api/v1/grants/{gid}/revoke (second)")
    assert second.status in (404, 409), f"enterprise POST /api/v1/grants/{gid}/revoke (second): expected 404 or 409, got {second.short(200)}"
