"""Contract 2: every route with a path parameter × every attacker role × an id that belongs to ANOTHER party.

Read from /openapi.json. The attackers are 南昌 callers (city official, county official, zone manager, a 南昌 firm)
and the scope-less provider and expert; the ids belong to 宜春 (a firm, its warning, diagnosis, referral, listing,
grant, award) or to another user (a session, an account). Expectations: never a 5xx, and never a 2xx that carries
the other party's data — the one exception is the public registry profile `GET /enterprises/{uscc}`, which may
answer 2xx without figures (no indicators, suppliers or customers). Routes whose path id is public (a chain code, a
policy id) are called with `region=360900` when they take a region: a 南昌 official must not get 宜春's figures.
Separately, a warning of 宜春 and a warning id that does not exist must answer the same status (404), so that
existence does not leak."""
import pytest

from conftest import (ATTACKERS, USERS, assert_no_5xx, body_schema, get, is_2xx, operations, post_json, request, resolve,
                      victim_markers)

SCOPED_OFFICIALS = {"city", "county", "zone"}


def path_param_operations():
    r = get("/openapi.json")
    if r.status != 200:
        return []
    return [(m, p, op) for m, p, op in operations(r.json()) if "{" in p and not p.startswith("/api/v1/imports/")]


def pytest_generate_tests(metafunc):
    if "route" in metafunc.fixturenames:
        ops = path_param_operations()
        cases = [(role, m, p) for m, p, _ in ops for role in ATTACKERS]
        metafunc.parametrize("role,method,route", cases, ids=[f"{r}:{m} {p}" for r, m, p in cases])


def other_party_target(route, p):
    """The concrete path for `route` with the other party's id, and whether the id is the other party's own
    (False for public ids: a chain code, a policy, an announcement, a security event)."""
    subs = [("{uscc}", p["yc_firm"], True), ("/warnings/{id}", "/warnings/" + p["yc_warning"], True),
            ("/diagnoses/{id}", "/diagnoses/" + p["yc_diagnosis"], True), ("/referrals/{id}", "/referrals/" + p["yc_referral"], True),
            ("/market/listings/{id}", "/market/listings/" + p["yc_listing"], True), ("/grants/{id}", "/grants/" + p["yc_grant"], True),
            ("/awards/{id}", "/awards/" + p["yc_award"], True), ("{jti}", p["victim_jti"], True),
            ("/market/contacts/{id}", "/market/contacts/" + p["yc_contact"], True),
            ("/clients/{id}", "/clients/" + p["yc_client"], True), ("{key}", p["yc_client_key"], True),
            ("/services/providers/{id}", "/services/providers/" + p["provider_id"], False),
            ("/services/solutions/{id}", "/services/solutions/" + p["solution_id"], False),
            ("{username}", USERS["victim"], True), ("/policies/{id}", "/policies/" + p["policy"], False),
            ("/chains/{code}", "/chains/" + p["chain"], False), ("/announcements/{id}", "/announcements/" + (p["announcement"] or "N-none"), False),
            ("/security/events/{id}", "/security/events/" + p["security_event"], False),
            ("/subscriptions/{id}", "/subscriptions/" + p["yc_subscription"], True),
            ("/deliveries/{id}", "/deliveries/dlv_does-not-exist", False),
            ("{dataset}", "indicators", False)]
    # 服务资源目录: a published service is public; an access request is its consumer's (the 宜春 official's).
    subs += [("/hub/services/{id}", "/hub/services/" + p["hub_service"], False), ("/hub/requests/{id}", "/hub/requests/" + p["yc_hub_request"], True)]
    owned = False
    for pattern, value, own in subs:
        if pattern in route:
            route = route.replace(pattern, value)
            owned = owned or own
    assert "{" not in route, f"no other-party id known for {route}"
    return route, owned


SAMPLE_BODIES = {
    "GrantRequest": {"grantee": USERS["victim"], "datasets": ["diagnosis"], "purpose": "越权测试", "days": 7},
    "ReferralRequest": {"solutionId": "S001", "note": "越权测试"},
    "AwardAction": {"note": "越权测试", "amount": 1},
}


def sample_body(doc, op):
    ctype, schema = body_schema(doc, op)
    if ctype is None:
        return None
    name = op["requestBody"]["content"][ctype]["schema"].get("$ref", "").rsplit("/", 1)[-1]
    if name in SAMPLE_BODIES:
        return SAMPLE_BODIES[name]
    body = {}
    for k, sub in schema.get("properties", {}).items():
        t = resolve(doc, sub).get("type")
        body[k] = {"string": "越权测试", "number": 1, "integer": 1, "boolean": False, "array": []}.get(t if isinstance(t, str) else "string", "x")
    return body


def leaked(r, markers):
    return [m for m in markers if m and m in r.text]


def test_other_partys_id_on_every_route(role, method, route, tokens, parties, openapi):
    p = parties
    op = openapi["paths"][route][method.lower()]
    path, owned = other_party_target(route, p)
    query = {x["name"] for x in op.get("parameters", []) if x["in"] == "query"}
    if not owned and "region" in query:
        path += "?region=360900"
    token = tokens[role]
    body = sample_body(openapi, op) if method in ("POST", "PUT") else None
    what = f"{role} ({USERS[role]}) {method} {path}"
    if body is not None:
        r = post_json(path, token, body, method=method)
    else:
        r = request(method, path, token)
    print(f"{r.status} {what}")
    assert_no_5xx(r, what)
    if method == "POST" and "{jti}" in route:
        still = get("/api/v1/me", p["victim_token"])
        assert still.status == 200, f"{what} answered {r.status} and ended another user's session ({still.status} afterwards)"
    if not is_2xx(r):
        return
    if route == "/api/v1/enterprises/{uscc}" and method == "GET":
        j = r.json() or {}
        figures = {k: j.get(k) for k in ("indicators", "suppliers", "customers") if j.get(k)}
        assert not figures, (f"{what} answered {r.status} with the other party's figures: "
                             f"{', '.join(f'{k} ({len(v)})' for k, v in figures.items())}")
        return
    if owned:
        found = leaked(r, victim_markers(p))
        assert not found, f"{what} answered {r.status} on another party's object (answer names {found}): {r.short(200)}"
    elif "region=360900" in path and role in SCOPED_OFFICIALS:
        j = r.json() if isinstance(r.json(), dict) else {}
        found = leaked(r, p["yc_all"])
        whole = str(j.get("region", "")).startswith("3609") and (j.get("firms") or 0) > 0
        assert not found and not whole, (f"{what} answered {r.status} with 宜春 figures to a 南昌 official "
                                         f"(firms {j.get('firms')}, 宜春 firms named: {found[:3]}): {r.short(200)}")


@pytest.mark.parametrize("role", ATTACKERS)
def test_warning_existence_does_not_leak(role, tokens, parties):
    token = tokens[role]
    existing = get(f"/api/v1/warnings/{parties['yc_warning']}", token)
    missing = get(f"/api/v1/warnings/{parties['missing_warning']}", token)
    what = f"{role} ({USERS[role]}) GET /api/v1/warnings/{{id}}"
    assert_no_5xx(existing, what + " (宜春 warning)")
    assert_no_5xx(missing, what + " (missing id)")
    assert not is_2xx(existing), f"{what}: 宜春's warning {parties['yc_warning']} answered {existing.short(200)}"
    assert existing.status == missing.status, (
        f"{what}: another party's warning answers {existing.status} but a missing id answers {missing.status} "
        f"(existence leaks): {existing.short(150)} / {missing.short(150)}")
    perms = (get("/api/v1/me", token).json() or {}).get("permissions", [])
    if "statistics:read" in perms:
        assert existing.status == 404, f"{what}: expected 404 for both, got {existing.status}"
