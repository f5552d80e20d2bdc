"""Contract 1: a flood of refused requests across two security-monitor windows must not bring the server down.

The runner starts the server with BRAIN_MONITOR_WINDOW=3 (seconds): 70 requests with a bad bearer token fill one
window, the pause lets it expire, and 70 more are counted in the next one (before the fix the process crashed when
the monitor pruned the expired window)."""
import time

from conftest import get, process_alive, server_pid, log_tail

ROUTE = "/api/v1/enterprises?limit=1"
BAD = "abc.def"


def burst(n):
    statuses = []
    for _ in range(n):
        statuses.append(get(ROUTE, BAD, timeout=10).status)
    return statuses


def test_flood_of_bad_tokens_across_two_monitor_windows():
    pid = server_pid()
    first = burst(70)
    assert set(first) == {401}, f"GET {ROUTE} with bearer {BAD!r}: statuses {sorted(set(first))}, expected only 401"
    time.sleep(4)  # past the 3 s window
    second = burst(70)
    assert 0 not in second, f"GET {ROUTE} with a bad token: the server stopped answering during the second burst; log:\n{log_tail()}"
    assert set(second) == {401}, f"GET {ROUTE} with bearer {BAD!r} (second window): statuses {sorted(set(second))}, expected only 401"
    health = get("/healthz", timeout=10)
    assert health.status == 200, f"GET /healthz after the flood: {health.short()}; log:\n{log_tail()}"
    assert process_alive(pid), f"server process {pid} is gone after the flood; log:\n{log_tail()}"
