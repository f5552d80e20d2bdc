"""Helpers and fixtures of the black-box security suite (see README.md).

Everything talks HTTP to a live `brain serve` (standard library only). scripts/security-tests.sh starts the server and
passes, in the environment:
  BRAIN_SEC_BASE      base URL, e.g. http://127.0.0.1:18095
  BRAIN_SEC_DATA      the server's data folder (parties.json, serve.log, server.pid live there)
  BRAIN_SEC_BINARY    the brain binary (to restart the server on the same data folder)
  BRAIN_SEC_PIDFILE   the file holding the server's pid (rewritten when a test restarts the server)
  BRAIN_SEC_PORT      the port
  BRAIN_SEC_PASSWORD  the password of every sec-* account; BRAIN_ADMIN_PASSWORD the administrator's
"""
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest

BASE = os.environ.get("BRAIN_SEC_BASE", "http://127.0.0.1:18095").rstrip("/")
DATA = os.environ.get("BRAIN_SEC_DATA", "")
BINARY = os.environ.get("BRAIN_SEC_BINARY", "")
PIDFILE = os.environ.get("BRAIN_SEC_PIDFILE", os.path.join(DATA, "server.pid") if DATA else "")
PORT = os.environ.get("BRAIN_SEC_PORT", BASE.rsplit(":", 1)[-1])
PASSWORD = os.environ.get("BRAIN_SEC_PASSWORD", "Security#2026x")
ADMIN_PASSWORD = os.environ.get("BRAIN_ADMIN_PASSWORD", "Admin#Security2026")

# The accounts scripts/security-tests.sh creates: test name -> user name. Scopes: see parties.json.
USERS = {
    "admin": "admin",
    "city": "sec-city",            # city-official 360100 南昌
    "city-yc": "sec-city-yc",      # city-official 360900 宜春 (the other party's official)
    "province": "sec-province",    # province-official 360000
    "county": "sec-county",        # county-official, a 南昌 county with firms
    "zone": "sec-zone",            # zone-manager, a 南昌 zone with firms
    "enterprise": "sec-firm",      # enterprise, a 南昌 firm (in that county and zone)
    "enterprise2": "sec-firm2",    # enterprise, another 南昌 firm
    "enterprise-yc": "sec-firm-yc",  # enterprise, a 宜春 firm (the other party)
    "provider": "sec-provider",
    "expert": "sec-expert",
    "victim": "sec-victim",        # provider whose session and grants other callers must not touch
    "scratch": "sec-scratch",      # provider whose password the text-field test may change
    "lockable": "sec-lockable",    # provider used for wrong-password probes
}
# The roles that walk every route with another party's ids (contract item 2).
ATTACKERS = ["city", "county", "zone", "enterprise", "provider", "expert"]


# --------------------------------------------------------------------------------------------------------------------
# HTTP

@dataclass
class Resp:
    status: int          # 0 when the server did not answer at all (connection refused or reset, timeout)
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    elapsed: float = 0.0
    error: str = ""

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def short(self, n=300):
        """The status and the start of the body, for assertion messages."""
        return f"{self.status} {self.error or self.text[:n]!r}"


def request(method, path, token=None, body=None, content_type=None, headers=None, timeout=60, cookie=None):
    """One HTTP exchange; never raises for an HTTP status. `body` is bytes, str or None."""
    url = path if path.startswith("http") else BASE + path
    data = body.encode("utf-8") if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if cookie:
        req.add_header("Cookie", cookie)
    if content_type:
        req.add_header("Content-Type", content_type)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    start = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            payload = r.read()
            return Resp(r.status, payload, dict(r.headers), time.monotonic() - start)
    except urllib.error.HTTPError as e:
        payload = e.read()
        return Resp(e.code, payload, dict(e.headers or {}), time.monotonic() - start)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
        return Resp(0, b"", {}, time.monotonic() - start, error=f"no answer: {e}")


def get(path, token=None, **kw):
    return request("GET", path, token, **kw)


def post_json(path, token, payload, method="POST", **kw):
    """POST (or PUT) a JSON value; `payload` may also be a ready JSON text (to send invalid JSON on purpose)."""
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload, ensure_ascii=False)
    return request(method, path, token, body=body, content_type="application/json", **kw)


def post_csv(kind, token, text):
    """POST /api/v1/imports/{kind} with CSV text."""
    return request("POST", f"/api/v1/imports/{kind}", token, body=text, content_type="text/csv")


def login(username, password):
    r = post_json("/api/v1/auth/login", None, {"username": username, "password": password})
    assert r.status == 200, f"login of {username} failed: {r.short()}"
    return r.json()["token"]


def items(r):
    """The `items` of a list answer (or [] when the answer is not a list)."""
    j = r.json()
    if isinstance(j, dict) and isinstance(j.get("items"), list):
        return j["items"]
    return j if isinstance(j, list) else []


def assert_no_5xx(r, what):
    assert r.status != 0, f"{what}: the server did not answer ({r.error}) — crashed or hung?"
    assert r.status < 500, f"{what}: server error {r.short()}"


def is_2xx(r):
    return 200 <= r.status < 300


# --------------------------------------------------------------------------------------------------------------------
# The server process (tests 1 and 4 check it is alive and restart it)

def server_pid():
    try:
        with open(PIDFILE) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def process_alive(pid):
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # A zombie (exited, not yet reaped by the runner's shell) counts as dead.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def healthy():
    return get("/healthz", timeout=5).status == 200


def log_tail(n=30):
    try:
        with open(os.path.join(DATA, "serve.log"), errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return "(no serve.log)"


def stop_server():
    pid = server_pid()
    if process_alive(pid):
        os.kill(pid, signal.SIGTERM)
        for _ in range(80):
            if not process_alive(pid):
                break
            time.sleep(0.25)
        if process_alive(pid):
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)


def start_server(wait=120):
    """Starts `brain serve` on the same data folder and port (environment inherited from the runner: BRAIN_MFA,
    BRAIN_RATE_LIMIT, BRAIN_MONITOR_WINDOW, BRAIN_ADMIN_PASSWORD); records its pid. True when /healthz answers 200."""
    assert BINARY and DATA, "BRAIN_SEC_BINARY and BRAIN_SEC_DATA must be set (run scripts/security-tests.sh)"
    log = open(os.path.join(DATA, "serve.log"), "ab")
    log.write(b"\n--- restarted by the security suite ---\n")
    log.flush()
    p = subprocess.Popen([BINARY, "serve", "--data", DATA, "--demo", "small", "--port", str(PORT)],
                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    with open(PIDFILE, "w") as f:
        f.write(str(p.pid))
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if p.poll() is not None:
            return False
        if healthy():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture(autouse=True)
def live_server():
    """Each test starts against a live server: one that an earlier test crashed is restarted (and the restart noted)."""
    if not healthy():
        stop_server()
        ok = start_server()
        if not ok:
            pytest.fail("the server was down before this test and did not come back on restart; serve.log:\n" + log_tail())
        print("NOTE: the server was down before this test (an earlier test crashed it) and was restarted")
    yield


# --------------------------------------------------------------------------------------------------------------------
# Accounts and tokens

_tokens = {}


def token(who):
    """A bearer token of one of USERS (logged in once per run; again if it stopped working)."""
    t = _tokens.get(who)
    if t and get("/api/v1/me", t).status == 200:
        return t
    user = USERS[who]
    _tokens[who] = login(user, ADMIN_PASSWORD if who == "admin" else PASSWORD)
    return _tokens[who]


@pytest.fixture(scope="session")
def tokens():
    class Tokens:
        def __getitem__(self, who):
            return token(who)
    return Tokens()


# --------------------------------------------------------------------------------------------------------------------
# Credit codes (GB 32100-2015)

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_with_check(first17):
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return first17 + USCC_CHARS[(31 - s % 31) % 31]


# --------------------------------------------------------------------------------------------------------------------
# The parties: ids that belong to the 南昌 side (the attackers' own) and to 宜春 (the other party)

def discover_accounts_scopes(admin):
    """Before the enterprise, county and zone accounts exist: a 南昌 county and zone holding firms, two 南昌 firms in
    both, and a 宜春 firm with a diagnosis, referrals, an open listing and an award. Run by parties.py."""
    nc = items(get("/api/v1/enterprises?region=360100&limit=500", admin))
    assert nc, "no 南昌 enterprises in the demo"
    counties = {}
    for e in nc:
        counties[e["region"]] = counties.get(e["region"], 0) + 1
    county = max((c for c in counties if c != "360100"), key=lambda c: counties[c])
    zones = {}
    for e in nc:
        if e["region"] == county and e.get("zone"):
            zones[e["zone"]] = zones.get(e["zone"], 0) + 1
    zone = max(zones, key=lambda z: zones[z])
    mine = [e for e in nc if e["region"] == county and e.get("zone") == zone and e.get("chainLinks")]
    assert len(mine) >= 2, f"fewer than two firms in county {county} and zone {zone}"
    yc = items(get("/api/v1/enterprises?region=360900&limit=500", admin))
    listings = items(get("/api/v1/market/listings?limit=500&state=open", admin))
    open_listing_firms = {l["uscc"] for l in listings}
    best, best_score = None, -1
    for e in yc:
        u = e["uscc"]
        score = (u in open_listing_firms) * 4
        if score == 0 and best is not None:
            continue
        score += bool(items(get(f"/api/v1/enterprises/{u}/diagnoses", admin))) * 2
        score += bool([r for r in items(get(f"/api/v1/enterprises/{u}/referrals", admin)) if r["state"] == "referred"]) * 2
        if score > best_score:
            best, best_score = e, score
        if score >= 8:
            break
    return {"county": county, "zone": zone, "nc_firm": mine[0]["uscc"], "nc_firm2": mine[1]["uscc"],
            "yc_firm": best["uscc"]}


def _first(seq, what):
    assert seq, f"could not find {what} (as admin through the list endpoints)"
    return seq[0]


def find_award(admin, region, state=None):
    """An award id of a firm in `region` (through /api/v1/policies/{id}/matches)."""
    for p in items(get("/api/v1/policies", admin)):
        for m in items(get(f"/api/v1/policies/{p['id']}/matches?region={region}&limit=500", admin)):
            a = m.get("award")
            if a and (state is None or a.get("state") == state):
                return a["id"]
    return None


@pytest.fixture(scope="session")
def parties(tokens):
    """Ids of both sides, found as admin through the list endpoints (and a few created for the purpose):
    yc_* belong to 宜春 (the other party), nc_* to the 南昌 attackers' side."""
    admin = tokens["admin"]
    with open(os.path.join(DATA, "parties.json")) as f:
        p = json.load(f)
    yc = p["yc_firm"]
    p["yc_all"] = [e["uscc"] for e in items(get("/api/v1/enterprises?region=360900&limit=500", admin))]
    p["yc_name"] = get(f"/api/v1/enterprises/{yc}", admin).json()["enterprise"]["name"]
    p["yc_diagnosis"] = _first(items(get(f"/api/v1/enterprises/{yc}/diagnoses", admin)), "a 宜春 diagnosis")["id"]
    refs = items(get(f"/api/v1/enterprises/{yc}/referrals", admin))
    p["yc_referral"] = _first([r for r in refs if r["state"] == "referred"] or refs, "a 宜春 referral")["id"]
    listings = items(get(f"/api/v1/market/listings?uscc={yc}&state=open&limit=500", admin))
    p["yc_listing"] = _first(listings, "an open 宜春 listing")["id"]
    warnings = items(get("/api/v1/warnings?region=360900&state=open&limit=500", admin))
    firm_warnings = [w for w in warnings if w["subjectType"] == "enterprise"]
    p["yc_warning"] = _first(firm_warnings or warnings, "an open 宜春 warning")["id"]
    # The same shape of id with a subject that does not exist: must answer exactly like the existing one.
    kind, _, period = p["yc_warning"].split(":", 2)
    p["missing_warning"] = f"{kind}:{uscc_with_check('91360900MMXXNN000')}:{period}"
    p["yc_award"] = find_award(admin, "360900", "granted") or find_award(admin, "360900")
    assert p["yc_award"], "no award of a 宜春 firm"
    p["nc_award"] = find_award(admin, "360100", "granted")
    nc_warnings = items(get("/api/v1/warnings?region=360100&state=open&limit=500", admin))
    p["nc_warnings"] = [w["id"] for w in nc_warnings]
    # Grants go only to the providers a firm deals with: the victim answers for a catalogue provider, and both the 宜春
    # firm and the attackers' 南昌 firm ask that provider for a connection (申请对接).
    # The attackers' provider account answers for another provider, which only the 南昌 firm deals with.
    yc_referral = next((r for r in refs if r["id"] == p["yc_referral"]), {})
    solutions = [x["solution"] for x in items(get("/api/v1/services/solutions", admin))]
    sol = solutions[0]
    other = _first([x for x in solutions if x["providerId"] not in (sol["providerId"], yc_referral.get("providerId"))], "a second provider")
    for account, solution, firms in ((USERS["victim"], sol, ("enterprise-yc", "enterprise")), (USERS["provider"], other, ("enterprise",))):
        r = post_json(f"/api/v1/services/providers/{solution['providerId']}/accounts", admin, {"username": account})
        assert r.status in (200, 201), f"could not link {account} to provider {solution['providerId']}: {r.short()}"
        for who in firms:
            r = post_json(f"/api/v1/services/solutions/{solution['id']}/connect", tokens[who], {"note": "安全测试：申请对接"})
            assert r.status in (200, 201), f"{who} could not ask {solution['providerId']} for a connection: {r.short()}"
    p["provider_id"], p["solution_id"] = sol["providerId"], sol["id"]
    # A contact exchange the 宜春 firm asked of a third firm (neither side is an attacker's).
    mine = next(x for x in listings if x["id"] == p["yc_listing"])
    counterparts = [x for x in items(get("/api/v1/market/listings?state=open&limit=500", admin))
                    if x.get("kind") != mine.get("kind") and x.get("uscc") not in (yc, p["nc_firm"], p.get("nc_firm2"))]
    r = post_json("/api/v1/market/contacts", tokens["enterprise-yc"],
                  {"fromListing": p["yc_listing"], "toListing": _first(counterparts, "a counterpart listing")["id"], "contact": "宜春联系人 0795-1234567"})
    assert r.status == 201, f"could not ask for a 宜春 contact exchange: {r.short()}"
    p["yc_contact"] = r.json()["id"]
    # A grant of the 宜春 firm (to the victim account, so no attacker holds it).
    r = post_json(f"/api/v1/enterprises/{yc}/grants", tokens["enterprise-yc"],
                  {"grantee": USERS["victim"], "datasets": ["diagnosis"], "purpose": "安全测试：他方授权", "days": 30})
    assert r.status == 201, f"could not create the 宜春 grant: {r.short()}"
    p["yc_grant"] = r.json()["id"]
    # A session of the victim (another user's session id).
    victim = login(USERS["victim"], PASSWORD)
    p["victim_token"] = victim
    p["victim_jti"] = _first(items(get("/api/v1/me/sessions", victim)), "the victim's session")["jti"]
    p["chain"] = _first(items(get("/api/v1/chains", admin)), "a chain")["code"]
    p["policy"] = _first(items(get("/api/v1/policies", admin)), "a policy")["id"]
    # An administrator's draft (publishing is not party-scoped, but the route must still answer sanely).
    r = post_json("/api/v1/announcements", admin, {"title": "安全测试草稿", "body": "草稿正文", "draft": True})
    p["announcement"] = (r.json() or {}).get("id") if r.status in (200, 201) else None
    # A service client of 宜春 that the administrator owns (providers manage only their own).
    r = post_json("/api/v1/clients", admin, {"id": "sec-yc-client", "name": "宜春市统计局数据交换", "region": "360900", "writes": ["indicators"]})
    assert r.status == 201, f"could not create the 宜春 client: {r.short()}"
    p["yc_client"], p["yc_client_key"] = "sec-yc-client", r.json()["keyID"]
    # A subscription of the 宜春 official (its id must answer 404 to everyone else but administrators).
    r = post_json("/api/v1/subscriptions", tokens["city-yc"], {"name": "安全测试：宜春消息", "topic": "warnings", "channel": "inbox"})
    assert r.status == 201, f"could not create the 宜春 subscription: {r.short()}"
    p["yc_subscription"] = r.json()["subscription"]["id"]
    events = items(get("/api/v1/security/events", admin))
    p["security_event"] = events[0]["id"] if events else "SE-does-not-exist"
    # 服务资源目录: a service the administrator publishes, and the 宜春 official's request for access to it.
    r = post_json("/api/v1/hub/services", admin, {"id": "sec-registry", "title": "安全测试名录", "description": "安全测试", "source": "enterprises"})
    assert r.status in (201, 409), f"could not publish the test service: {r.short()}"
    p["hub_service"] = "sec-registry"
    r = post_json("/api/v1/hub/services/sec-registry/requests", tokens["city-yc"], {"reason": "安全测试：宜春的申请"})
    assert r.status == 201, f"the 宜春 official could not ask for access: {r.short()}"
    p["yc_hub_request"] = r.json()["id"]
    return p


def victim_markers(p):
    """Strings that must not appear in a 2xx answer given to an attacker: the other party's ids."""
    return [p["yc_firm"], p["yc_diagnosis"], p["yc_referral"], p["yc_listing"], p["yc_warning"], p["yc_award"],
            p["yc_grant"], p["victim_jti"], p["yc_client"], p["yc_client_key"], p.get("yc_subscription"), p["yc_hub_request"]]


# --------------------------------------------------------------------------------------------------------------------
# The OpenAPI document and request bodies

@pytest.fixture(scope="session")
def openapi():
    r = get("/openapi.json")
    assert r.status == 200, f"/openapi.json: {r.short()}"
    return r.json()


def operations(doc):
    """(method, path, operation) for every operation of the document, sorted."""
    out = []
    for path, ops in sorted(doc["paths"].items()):
        for method, op in sorted(ops.items()):
            if method in ("get", "post", "put", "patch", "delete"):
                out.append((method.upper(), path, op))
    return out


def resolve(doc, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema or {}


def body_schema(doc, op):
    rb = op.get("requestBody")
    if not rb:
        return None, None
    ctype, spec = next(iter(rb["content"].items()))
    return ctype, resolve(doc, spec.get("schema", {}))


def typed_paths(doc, schema, want, prefix=()):
    """Paths (tuples of keys; 0 for an array element, '*' for any key of a map) to the properties of type `want`
    ('number'/'integer' or 'string') in a schema."""
    schema = resolve(doc, schema)
    t = schema.get("type")
    types = t if isinstance(t, list) else [t]
    found = []
    if any(x in want for x in types if x):
        found.append(prefix)
    if "object" in types or "properties" in schema:
        for k, sub in schema.get("properties", {}).items():
            found += typed_paths(doc, sub, want, prefix + (k,))
        if isinstance(schema.get("additionalProperties"), dict):
            found += typed_paths(doc, schema["additionalProperties"], want, prefix + ("*",))
    if "array" in types and isinstance(schema.get("items"), dict):
        found += typed_paths(doc, schema["items"], want, prefix + (0,))
    return found


def numeric_leaves(value, prefix=()):
    """Paths to every number in a JSON value (for bodies whose schema says only 'object', like the thresholds)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [prefix]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in numeric_leaves(v, prefix + (k,))]
    if isinstance(value, list):
        return [p for k, v in enumerate(value) for p in numeric_leaves(v, prefix + (k,))]
    return []


def with_value(body, path, value):
    """A deep copy of `body` with the property at `path` set to `value` ('*' picks the map's first key; a missing
    array element or map is created)."""
    body = json.loads(json.dumps(body))
    if not path:
        return value
    node = body
    for k in path[:-1]:
        if k == "*":
            k = next(iter(node)) if node else "F1"
        if isinstance(node, list):
            while len(node) <= k:
                node.append({})
            node = node[k]
        else:
            node = node.setdefault(k, {})
    last = path[-1]
    if last == "*":
        last = next(iter(node)) if node else "x"
    if isinstance(node, list):
        while len(node) <= last:
            node.append(None)
    node[last] = value
    return body


POISON = "\u2063POISON\u2063"


def json_with_raw(body, path, raw):
    """The JSON text of `body` with the value at `path` replaced by the raw token `raw` (1e308, NaN, Infinity …)."""
    return json.dumps(with_value(body, path, POISON), ensure_ascii=False).replace(json.dumps(POISON, ensure_ascii=False), raw)


def path_label(path):
    return ".".join(str(k) for k in path) or "(body)"


_created = {}


def _own_referral(tokens, p):
    """A new referral of the attacker's own firm (state `referred`), for a solution not referred before."""
    firm = tokens["enterprise"]
    used = _created.setdefault("solutions", set())
    for s in items(get("/api/v1/services/solutions", firm)):
        sid = s["solution"]["id"]
        if sid in used:
            continue
        used.add(sid)
        r = post_json(f"/api/v1/enterprises/{p['nc_firm']}/referrals", firm, {"solutionId": sid, "note": "安全测试"})
        made = items(r) if r.status in (200, 201) else []
        if made:
            return made[0]["id"]
    return None


def _unused(kind, candidates):
    used = _created.setdefault(kind, set())
    for c in candidates:
        if c and c not in used:
            used.add(c)
            return c
    return None


def fresh_target(route, tokens, p, default):
    """A concrete path whose object is in the state the operation needs, new for each call, so that every hostile
    body is judged on its content and not refused for a state an earlier call left behind: a new referral of the
    attacker's firm (moved to `contacted` before `adopted`), an open 南昌 warning not handled yet, a 南昌 award
    (granted before `pay`, applied before `approve`/`reject`) not touched yet. `default` when none is left."""
    action = route.rsplit("/", 1)[-1]
    if route.startswith("/api/v1/referrals/"):
        rid = _own_referral(tokens, p)
        if rid and action == "adopted":
            request("POST", f"/api/v1/referrals/{rid}/contacted", tokens["enterprise"], body="{}", content_type="application/json")
        return f"/api/v1/referrals/{rid}/{action}" if rid else default
    if route.startswith("/api/v1/warnings/{id}/"):
        wid = _unused("warnings", p["nc_warnings"])
        return f"/api/v1/warnings/{wid}/{action}" if wid else default
    if route.startswith("/api/v1/awards/"):
        want = "granted" if action == "pay" else "applied"
        admin = tokens["admin"]
        for pol in items(get("/api/v1/policies", admin)):
            ids = [m["award"]["id"] for m in items(get(f"/api/v1/policies/{pol['id']}/matches?region=360100&limit=500", admin))
                   if m.get("award") and m["award"].get("state") == want]
            aid = _unused("awards", ids)
            if aid:
                return f"/api/v1/awards/{aid}/{action}"
        return default
    return default


def diagnosis_answers(tokens, p):
    """Answers the questionnaire accepts for the attacker's firm: every question answered with its middle option."""
    if "answers" in _created:
        return _created["answers"]
    q = get("/api/v1/diagnoses/questionnaire", tokens["enterprise"]).json()
    firm = get(f"/api/v1/enterprises/{p['nc_firm']}", tokens["admin"]).json()["enterprise"]
    large = firm["sizeClass"] in ("large", "medium")
    answers = {x["id"]: len(x["options"]) // 2 for x in q["questions"] if large or not x.get("largeFirmOnly")}
    r = post_json("/api/v1/diagnoses", tokens["enterprise"], {"answers": answers})
    if r.status == 400:  # the other reading of which questions apply
        answers = {x["id"]: len(x["options"]) // 2 for x in q["questions"] if not x.get("largeFirmOnly")}
        r = post_json("/api/v1/diagnoses", tokens["enterprise"], {"answers": answers})
    assert r.status in (200, 201), f"a valid diagnosis was refused: {r.short()}"
    _created["answers"] = answers
    return answers


def valid_requests(tokens, p):
    """For each POST/PUT operation with a JSON body: (caller, concrete path, a body the server accepts or would accept
    but for state). Keyed by (METHOD, openapi path). Operations missing here have no body or are not worth a body."""
    nc, admin = p["nc_firm"], tokens["admin"]
    firm = get(f"/api/v1/enterprises/{nc}", admin).json()["enterprise"]
    chain, link = firm["chains"][0], firm["chainLinks"][0]
    sol = items(get("/api/v1/services/solutions", admin))[0]["solution"]
    provider = items(get("/api/v1/services/providers", admin))[0]
    policy_for_firm = next((x["policyId"] for x in items(get(f"/api/v1/enterprises/{nc}/policy-matches", tokens["enterprise"]))
                            if x.get("canApply")), p["policy"])
    thresholds = get("/api/v1/warnings/thresholds", admin).json()
    weights = get("/api/v1/evaluation/weights", admin).json()
    out_of_province = uscc_with_check("91440300TTXXMM000")
    own_listing = post_json("/api/v1/market/listings", tokens["enterprise"],
                            {"kind": "supply", "product": "安全测试产品", "quantity": 10, "unit": "吨"}).json() or {}
    referral = _own_referral(tokens, p) or "R-none"
    warning = p["nc_warnings"][0] if p["nc_warnings"] else p["yc_warning"]
    award = p["nc_award"] or p["yc_award"]
    return {
        ("POST", "/api/v1/announcements"): ("admin", "/api/v1/announcements", {"title": "安全测试公告", "body": "正文", "draft": True}),
        ("POST", "/api/v1/subscriptions"): ("city", "/api/v1/subscriptions",
                                            {"name": "安全测试订阅", "topic": "warnings", "channel": "webhook", "target": "https://hooks.example.gov.cn/brain",
                                             "regions": ["360100"], "levels": ["red"], "kinds": ["output-drop"]}),
        ("POST", "/api/v1/inbox/read"): ("city", "/api/v1/inbox/read", {"ids": ["m-none"]}),
        ("POST", "/api/v1/auth/login"): (None, "/api/v1/auth/login", {"username": USERS["lockable"], "password": "Wrong#Password1"}),
        ("POST", "/api/v1/awards/{id}/approve"): ("admin", f"/api/v1/awards/{award}/approve", {"note": "审核", "amount": 10}),
        ("POST", "/api/v1/awards/{id}/pay"): ("admin", f"/api/v1/awards/{award}/pay", {"note": "拨付", "amount": 10}),
        ("POST", "/api/v1/awards/{id}/reject"): ("admin", f"/api/v1/awards/{award}/reject", {"note": "驳回", "amount": 10}),
        ("POST", "/api/v1/demonstration-projects"): ("admin", "/api/v1/demonstration-projects",
                                                     {"uscc": nc, "name": "安全测试示范项目", "kind": "smart_factory", "level": "省级", "year": 2025,
                                                      "chain": chain, "investment": 100, "summary": "测试",
                                                      "outcomes": [{"metric": "人均产值", "before": 100, "after": 110, "unit": "指数"}]}),
        ("POST", "/api/v1/diagnoses"): ("enterprise", "/api/v1/diagnoses", {"answers": diagnosis_answers(tokens, p)}),
        ("POST", "/api/v1/enterprises/{uscc}/grants"): ("enterprise", f"/api/v1/enterprises/{nc}/grants",
                                                        {"grantee": USERS["victim"], "datasets": ["listings"], "purpose": "安全测试", "days": 30}),
        ("POST", "/api/v1/enterprises/{uscc}/referrals"): ("enterprise", f"/api/v1/enterprises/{nc}/referrals", {"solutionId": sol["id"], "note": "安全测试"}),
        ("PUT", "/api/v1/evaluation/weights"): ("admin", "/api/v1/evaluation/weights", weights),
        ("POST", "/api/v1/investment/targets"): ("admin", "/api/v1/investment/targets",
                                                 [{"code": out_of_province, "name": "深圳安全测试科技有限公司", "region": "440300", "chain": chain,
                                                   "link": link, "revenue": 1000, "note": "测试"}]),
        ("POST", "/api/v1/market/listings"): ("enterprise", "/api/v1/market/listings",
                                              {"kind": "supply", "product": "安全测试产品", "spec": "规格", "industry": firm["industry"], "link": link,
                                               "quantity": 10, "unit": "吨"}),
        ("POST", "/api/v1/me/mfa/confirm"): ("expert", "/api/v1/me/mfa/confirm", {"otp": "123456"}),
        ("POST", "/api/v1/me/password"): ("scratch", "/api/v1/me/password", {"currentPassword": PASSWORD, "newPassword": "Scratch#2026New"}),
        ("POST", "/api/v1/policies"): ("admin", "/api/v1/policies",
                                       {"id": "SEC-TEST", "name": "安全测试政策", "issuer": "测试", "category": "企业培育", "summary": "测试",
                                        "rule": "above_scale = true", "formula": "10", "autoGrant": False, "validFrom": "2026-01", "validUntil": "2026-12"}),
        ("POST", "/api/v1/policies/{id}/applications"): ("enterprise", f"/api/v1/policies/{policy_for_firm}/applications", {"note": "申请"}),
        ("POST", "/api/v1/referrals/{id}/adopted"): ("enterprise", f"/api/v1/referrals/{referral}/adopted", {"note": "采纳"}),
        ("POST", "/api/v1/referrals/{id}/contacted"): ("enterprise", f"/api/v1/referrals/{referral}/contacted", {"note": "已联系"}),
        ("POST", "/api/v1/referrals/{id}/declined"): ("enterprise", f"/api/v1/referrals/{referral}/declined", {"note": "婉拒"}),
        ("POST", "/api/v1/services/providers"): ("admin", "/api/v1/services/providers",
                                                 {"id": "PSEC", "name": "安全测试服务商", "kind": "local", "region": "360100", "contact": "0791-0000000 测试",
                                                  "description": "测试"}),
        ("POST", "/api/v1/services/solutions"): ("admin", "/api/v1/services/solutions",
                                                 {"id": "SSEC", "providerId": provider["id"], "title": "安全测试方案", "category": sol["category"],
                                                  "summary": "测试", "tags": ["测试"], "areas": sol.get("areas", [])[:1], "chains": [],
                                                  "priceMin": 1, "priceMax": 2, "cases": []}),
        ("POST", "/api/v1/users"): ("city", "/api/v1/users", {"username": "sec-made-firm-user", "name": "安全测试", "role": "enterprise",
                                                              "scope": nc, "contact": "13800000000"}),
        ("PUT", "/api/v1/warnings/thresholds"): ("admin", "/api/v1/warnings/thresholds", thresholds),
        ("POST", "/api/v1/warnings/{id}/acknowledge"): ("city", f"/api/v1/warnings/{warning}/acknowledge", {"note": "已核实"}),
        ("POST", "/api/v1/warnings/{id}/resolve"): ("city", f"/api/v1/warnings/{warning}/resolve", {"note": "已处理"}),
        "_own_listing": own_listing.get("id"),
    }


@pytest.fixture(scope="session")
def bodies(tokens, parties):
    return valid_requests(tokens, parties)


def batch_refused(r, field):
    """A batch import (JSON array) may answer 2xx while refusing the row: nothing accepted and a problem naming the
    field (`field` is the property path; its last key is compared)."""
    rep = r.json() if isinstance(r.json(), dict) else {}
    return rep.get("rowsAccepted") == 0 and any(str(x.get("field", "")).split(".")[-1] == str(field[-1])
                                                for x in rep.get("problems", []))


def is_plain_number(cell):
    return re.fullmatch(r"[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?%?", cell) is not None and any(c.isdigit() for c in cell)
