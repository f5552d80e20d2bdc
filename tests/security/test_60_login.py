"""Contract 7: login refuses an oversized body (413); a wrong password for an existing user and an unknown user get
the same answer, in comparable time (median of 5 tries each within a factor of 3), so user names cannot be probed.
All three checks run; the failure lists every one that broke."""
import statistics

from conftest import USERS, assert_no_5xx, post_json, request

LOGIN = "/api/v1/auth/login"


def test_login_body_limit_same_message_and_comparable_time(tokens):
    problems = []
    big = '{"username":"sec-lockable","password":"' + "a" * (1 << 20) + '"}'
    r = request("POST", LOGIN, body=big, content_type="application/json", timeout=120)
    assert_no_5xx(r, f"POST {LOGIN} with a 1 MiB body")
    if r.status != 413:
        problems.append(f"POST {LOGIN} with a 1 MiB body: expected 413, got {r.short(200)}")

    existing, unknown = USERS["lockable"], "sec-nobody-here"
    admin = tokens["admin"]

    def attempt(user):
        # An administrator lifts the lock before each try so that the account never reaches the lockout (the
        # lockout answer is documented to differ); only the wrong-password path is timed.
        if user == existing:
            request("POST", f"/api/v1/users/{existing}/unlock", admin)
        return post_json(LOGIN, None, {"username": user, "password": "Wrong#Password99"})

    answers = {existing: [], unknown: []}
    for _ in range(5):
        for user in (existing, unknown):
            answers[user].append(attempt(user))
    request("POST", f"/api/v1/users/{existing}/unlock", admin)
    for user, rs in answers.items():
        for x in rs:
            assert_no_5xx(x, f"POST {LOGIN} as {user} with a wrong password")
    a, b = answers[existing][0], answers[unknown][0]
    if not a.status == b.status == 401:
        problems.append(f"POST {LOGIN}: wrong password for {existing} → {a.status}, unknown user → {b.status} (expected 401 both)")
    msg_a, msg_b = (a.json() or {}).get("error"), (b.json() or {}).get("error")
    if msg_a != msg_b:
        problems.append(f"POST {LOGIN}: different answers: existing user {msg_a} vs unknown user {msg_b}")
    t_a = statistics.median(x.elapsed for x in answers[existing])
    t_b = statistics.median(x.elapsed for x in answers[unknown])
    ratio = max(t_a, t_b) / max(min(t_a, t_b), 1e-6)
    print(f"login timing: wrong password {t_a * 1000:.1f} ms, unknown user {t_b * 1000:.1f} ms (factor {ratio:.1f})")
    if ratio > 3:
        problems.append(f"POST {LOGIN}: median time {t_a * 1000:.1f} ms for a wrong password of {existing} against "
                        f"{t_b * 1000:.1f} ms for an unknown user (factor {ratio:.1f} > 3): user names can be probed by timing")
    assert not problems, "\n".join(problems)
