"""Contract 6: CSV exports neutralise spreadsheet formulas.

As admin, announcements whose titles start with =, +, -, @ (and tab, CR) are published, and a 南昌 firm lists a
product named like a formula. Then every CSV export reachable from the portal (every `?csv=N` link of every page
one or two clicks from the home page, /dashboard.csv, /warnings.csv, /news?csv=0, /market?csv=…) is read as admin,
as the 南昌 city official and as the firm: no cell may begin with =, +, -, @, tab or CR unless it is a plain number;
a neutralised cell begins with a single quote."""
import csv
import html
import io
import re

import pytest

from conftest import USERS, get, is_plain_number, post_json, request

TITLES = ['=HYPERLINK("http://x","安全测试新闻")', "+1+2 安全测试新闻", "-3+4 安全测试新闻", "@SUM(1) 安全测试新闻",
          "\t=1+1 安全测试新闻", "\r=1+1 安全测试新闻"]
PRODUCT = '=HYPERLINK("http://x","安全测试产品")'
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
SEEDS = ["/", "/news", "/news?csv=0", "/dashboard.csv", "/warnings.csv", "/market", "/market?kind=supply", "/policies",
         "/transformation", "/demonstration", "/services", "/console", "/data", "/talent", "/evaluation", "/investment",
         "/electricity", "/my/market", "/my/figures", "/my/grants", "/my/policies", "/my/diagnosis", "/granted"]
SKIP = re.compile(r"^/(login|logout|enrol|static/)")

_seeded = {}


@pytest.fixture(scope="module")
def injected(tokens):
    """Announcements (published) and a listing whose text starts like a formula."""
    if _seeded:
        return _seeded
    created = []
    for title in TITLES:
        r = post_json("/api/v1/announcements", tokens["admin"], {"title": title, "body": "安全测试正文", "draft": False})
        assert r.status < 500, f"admin POST /api/v1/announcements title={title!r}: {r.short()}"
        if r.status in (200, 201):
            created.append(title)
            ann = r.json() or {}
            if ann.get("state") == "draft" and ann.get("id"):
                request("POST", f"/api/v1/announcements/{ann['id']}/publish", tokens["admin"])
    assert created, "no announcement with a formula-like title could be created (the test has nothing to look for)"
    r = post_json("/api/v1/market/listings", tokens["enterprise"], {"kind": "supply", "product": PRODUCT, "quantity": 5, "unit": "吨"})
    assert r.status < 500, f"enterprise POST /api/v1/market/listings product={PRODUCT!r}: {r.short()}"
    _seeded.update(titles=created, listing=r.status in (200, 201))
    return _seeded


def crawl_exports(cookie):
    """The CSV export links of the portal pages reachable within two clicks of the seeds."""
    seen, exports, frontier = set(), set(), list(SEEDS)
    for depth in range(3):
        nxt = []
        for path in frontier:
            if path in seen or SKIP.match(path):
                continue
            seen.add(path)
            if "csv" in path:
                exports.add(path)
                continue
            r = get(path, cookie=cookie, timeout=60)
            if r.status != 200 or "text/html" not in r.headers.get("Content-Type", r.headers.get("content-type", "")):
                continue
            for href in re.findall(r'href="([^"]+)"', r.text):
                href = html.unescape(href)
                if href.startswith("/") and not href.startswith("//"):
                    nxt.append(href.split("#")[0])
        frontier = nxt
        if len(seen) > 400:
            break
    return sorted(exports)


def bad_cells(text):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    out = []
    for i, row in enumerate(rows, 1):
        for j, cell in enumerate(row, 1):
            if cell.startswith(DANGEROUS) and not is_plain_number(cell.strip()):
                out.append((i, j, cell[:60]))
    return out


@pytest.mark.parametrize("role", ["admin", "city", "enterprise"])
def test_csv_exports_neutralise_formulas(role, tokens, injected):
    cookie = f"brain_session={tokens[role]}"
    exports = crawl_exports(cookie)
    assert exports, f"{role}: no CSV export link found on the portal"
    failures, news_text = [], ""
    for path in exports:
        r = get(path, cookie=cookie, timeout=120)
        assert r.status < 500, f"{role} ({USERS[role]}) GET {path}: {r.short()}"
        ctype = r.headers.get("Content-Type", r.headers.get("content-type", ""))
        if r.status != 200 or "csv" not in ctype:
            continue
        if path.startswith("/news"):
            news_text += r.text
        for row, col, cell in bad_cells(r.text):
            failures.append(f"{path} row {row} col {col}: {cell!r}")
    if role == "admin":
        assert "安全测试新闻" in news_text, f"admin: the news export ({[e for e in exports if e.startswith('/news')]}) does not list the test titles"
    assert not failures, (f"{role} ({USERS[role]}): {len(failures)} CSV cells begin like a formula "
                          f"(of {len(exports)} exports):\n" + "\n".join(failures[:40]))
