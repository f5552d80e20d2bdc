"""Contract 4: poisoned numbers — huge, infinite, not-a-number, negative — in imports and JSON bodies.

Runs last: it may leave poisoned values stored, and it ends by restarting the server on the same data folder
(before the fix a stored infinite derived value made the start fail).
  * An indicators import for a 南昌 firm with output_value 1e308, inf, NaN, -5 and 1e15 (each on its own month so
    that an accepted value is not overwritten by the next): each row rejected naming output_value; never a 5xx.
    Afterwards a normal import still answers 200 and the monitoring overview, policies and warnings answer 200.
  * Every POST/PUT of /openapi.json whose request schema has number/integer properties (and the thresholds, whose
    schema is an opaque object: every number of the current thresholds): a valid body with that property set to
    1e308, -1e308 and the raw (invalid JSON) tokens NaN and Infinity. Never a 5xx; 1e308 is never accepted (a batch
    import may answer 200 only when it rejects the row naming the field).
  * Stop the server, start it again on the same data folder: it starts and /healthz answers 200."""
import pytest

from conftest import (USERS, assert_no_5xx, batch_refused, body_schema, fresh_target, get, is_2xx, json_with_raw,
                      log_tail, numeric_leaves, operations, path_label, post_csv, post_json, start_server, stop_server, typed_paths)

POISON_VALUES = ["1e308", "inf", "NaN", "-5", "1e15"]
RAW_VARIANTS = ["1e308", "-1e308", "NaN", "Infinity"]
AFTER = ["/api/v1/monitor/overview", "/api/v1/policies", "/api/v1/warnings"]


def previous_month(m, k):
    y, mo = int(m[:4]), int(m[5:7]) - k
    while mo < 1:
        y, mo = y - 1, mo + 12
    return f"{y:04d}-{mo:02d}"


@pytest.fixture(scope="module")
def latest_month(tokens):
    r = get("/api/v1/monitor/overview", tokens["admin"])
    assert r.status == 200, f"admin GET /api/v1/monitor/overview: {r.short()}"
    return r.json()["period"]


@pytest.mark.parametrize("k,value", list(enumerate(POISON_VALUES)), ids=POISON_VALUES)
def test_poisoned_indicator_import(k, value, tokens, parties, latest_month):
    month = previous_month(latest_month, k)
    if month.endswith("-01"):
        month = previous_month(month, 1)
    csv = f"uscc,month,output_value,revenue\n{parties['nc_firm']},{month},{value},100\n"
    what = f"city ({USERS['city']}) POST /api/v1/imports/indicators output_value={value} ({parties['nc_firm']}, {month})"
    r = post_csv("indicators", tokens["city"], csv)
    assert_no_5xx(r, what)
    if r.status == 200:
        rep = r.json()
        bad = [x for x in rep.get("problems", []) if x.get("row") == 2]
        assert bad and rep.get("rowsAccepted") == 0, f"{what}: the row was accepted: {r.short(400)}"
        assert any(x.get("field") == "output_value" for x in bad), f"{what}: the problem does not name output_value: {bad}"
    else:
        assert 400 <= r.status < 500, f"{what}: {r.short()}"


def test_after_poisoned_imports_a_normal_import_and_the_analyses_still_answer(tokens, parties, latest_month):
    admin, city = tokens["admin"], tokens["city"]
    other = parties["nc_firm2"]
    detail = get(f"/api/v1/enterprises/{other}", admin).json()
    rows = {x["month"]: x["values"] for x in detail["indicators"]}
    month = latest_month if latest_month in rows else sorted(rows)[-1]
    v = rows[month]
    out, rev = v.get("output_value") or 100, v.get("revenue") or 100
    r = post_csv("indicators", city, f"uscc,month,output_value,revenue\n{other},{month},{out},{rev}\n")
    assert r.status == 200 and not r.json().get("problems"), f"city POST /api/v1/imports/indicators (normal row for {other}): {r.short(400)}"
    for path in AFTER:
        for who in ("admin", "city"):
            a = get(path, tokens[who], timeout=120)
            assert a.status == 200, f"{who} GET {path} after the poisoned imports: {a.short()}"


def numeric_cases():
    r = get("/openapi.json")
    if r.status != 200:
        return []
    doc = r.json()
    cases = []
    for method, path, op in operations(doc):
        if method not in ("POST", "PUT"):
            continue
        ctype, schema = body_schema(doc, op)
        if ctype != "application/json":
            continue
        fields = typed_paths(doc, schema, {"number", "integer"})
        if path == "/api/v1/warnings/thresholds":
            fields = fields or ["from-current-thresholds"]
        for f in fields:
            for raw in RAW_VARIANTS:
                cases.append((method, path, f, raw))
    return cases


CASES = numeric_cases()


def expand(route, field, base):
    """The concrete numeric paths: a schema path, or every number of the current body (thresholds)."""
    if field == "from-current-thresholds":
        return numeric_leaves(base)[:1] + numeric_leaves(base)[-1:]
    return [field]


@pytest.mark.parametrize("method,route,field,raw", CASES,
                         ids=[f"{m} {p} {f if isinstance(f, str) else path_label(f)} {x}" for m, p, f, x in CASES])
def test_poisoned_numbers_in_json_bodies(method, route, field, raw, tokens, bodies, parties):
    key = (method, route)
    if key not in bodies:
        pytest.skip(f"no valid body known for {method} {route}")
    who, path, base = bodies[key]
    token = None if who is None else tokens[who]
    for f in expand(route, field, base):
        path = fresh_target(route, tokens, parties, path)
        text = json_with_raw(base, f, raw)
        r = post_json(path, token, text, method=method)
        what = f"{who} ({USERS.get(who, '-')}) {method} {path} with {path_label(f)} = {raw}"
        print(f"{r.status} {what}")
        assert_no_5xx(r, what)
        if raw == "1e308" and is_2xx(r):
            assert isinstance(base, list) and batch_refused(r, f), f"{what}: 1e308 was accepted: {r.short(300)}"


def test_server_restarts_on_the_same_data(tokens):
    stop_server()
    ok = start_server()
    assert ok, f"the server did not start again on the same data folder after the poisoned inputs; serve.log:\n{log_tail(40)}"
    h = get("/healthz")
    assert h.status == 200, f"GET /healthz after the restart: {h.short()}"
    for path in AFTER:
        a = get(path, tokens["admin"], timeout=120)
        assert a.status == 200, f"admin GET {path} after the restart: {a.short()}"
