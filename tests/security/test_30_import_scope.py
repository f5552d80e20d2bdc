"""Contract 3: an official cannot reach outside the data scope through a CSV import.

Each file has the hostile row on line 2 and, on line 3, a control row inside the caller's scope, so that a rejection
is about the scope and not about the file's format. The hostile row must be rejected with a problem naming row 2 and
the field; the other party's record must be unchanged afterwards (read as admin)."""
import pytest

from conftest import USERS, assert_no_5xx, get, post_csv

ENTERPRISES = "uscc,name,region,industry,employees,revenue\n"
SUPPLY = "supplier,customer,product,annual_value\n"
TALENT = "city,occupation,period,supply,demand,median_salary,experience_years\n"


def report_of(r, what):
    assert_no_5xx(r, what)
    assert r.status == 200, f"{what}: {r.short()}"
    return r.json()


def problems_on(report, row):
    return [x for x in report.get("problems", []) if x.get("row") == row]


def enterprise_row(e, region=None):
    return f"{e['uscc']},{e['name']},{region or e['region']},{e['industry']},{e['employees']},{e['revenue']}\n"


@pytest.mark.parametrize("role", ["city", "county"])
def test_import_cannot_move_or_touch_another_partys_records(role, tokens, parties):
    admin, token = tokens["admin"], tokens[role]
    who = f"{role} ({USERS[role]})"
    yc = get(f"/api/v1/enterprises/{parties['yc_firm']}", admin).json()["enterprise"]
    mine = get(f"/api/v1/enterprises/{parties['nc_firm2']}", admin).json()["enterprise"]
    target_region = parties["county"] if role == "county" else "360102"

    # 1. Enterprises: the 宜春 firm's credit code with a 南昌 region (would move it into the caller's scope).
    csv = ENTERPRISES + enterprise_row(yc, target_region) + enterprise_row(mine)
    what = f"{who} POST /api/v1/imports/enterprises ({yc['uscc']} of {yc['region']} → {target_region})"
    rep = report_of(post_csv("enterprises", token, csv), what)
    bad = problems_on(rep, 2)
    assert bad, f"{what}: the row was not rejected: {rep}"
    assert any(x.get("field") == "uscc" for x in bad), f"{what}: the problem does not name the field uscc: {bad}"
    assert not problems_on(rep, 3), f"{what}: the control row (own firm) was rejected: {problems_on(rep, 3)}"
    after = get(f"/api/v1/enterprises/{yc['uscc']}", admin).json()["enterprise"]
    assert after["region"] == yc["region"], f"{what}: the firm's region changed to {after['region']}"
    assert after["name"] == yc["name"], f"{what}: the firm's name changed to {after['name']}"

    # 2. Supply links: a registered 宜春 supplier selling to a 南昌 firm (writes the 宜春 firm's customer list).
    product = f"越权供应测试{role}"
    csv = SUPPLY + f"{yc['uscc']},{mine['uscc']},{product},123\n"
    what = f"{who} POST /api/v1/imports/supply-links (supplier {yc['uscc']} of 宜春, customer {mine['uscc']})"
    rep = report_of(post_csv("supply-links", token, csv), what)
    bad = problems_on(rep, 2)
    assert bad and rep.get("rowsAccepted", 1) == 0, f"{what}: the row was not rejected: {rep}"
    assert any(x.get("field") == "supplier" for x in bad), f"{what}: the problem does not name the field supplier: {bad}"
    detail = get(f"/api/v1/enterprises/{yc['uscc']}", admin).json()
    assert not [c for c in detail.get("customers", []) if c.get("product") == product], f"{what}: the link was stored"

    # 3. Talent: a 宜春 row (city 360900) from a 南昌 official; the control row is for 南昌 itself.
    if role == "city":
        period = (get("/api/v1/talent/map?region=360100", admin).json() or {}).get("period") or "2026-09"
        csv = TALENT + f"360900,越权人才测试工,{period},10,20,5000,1\n" + f"360100,本市人才测试工,{period},10,20,5000,1\n"
        what = f"{who} POST /api/v1/imports/talent (city 360900)"
        rep = report_of(post_csv("talent", token, csv), what)
        bad = problems_on(rep, 2)
        assert bad, f"{what}: the row was not rejected: {rep}"
        assert any(x.get("field") == "city" for x in bad), f"{what}: the problem does not name the field city: {bad}"
        assert not problems_on(rep, 3), f"{what}: the control row (own city) was rejected: {problems_on(rep, 3)}"
        yc_map = get(f"/api/v1/talent/map?region=360900&period={period}", admin)
        assert "越权人才测试工" not in yc_map.text, f"{what}: the 宜春 row was stored"
