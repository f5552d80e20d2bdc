#!/usr/bin/env python3
"""Every portal page at a phone's width (390 px) and a desktop's (1440 px), in Debian's headless chromium.

    python3 tests/browser/layout_browser.py BASE_URL ADMIN_PASSWORD BRAIN_BINARY DATA_DIR [SHOTS_DIR]

(scripts/browser-tests.sh starts a server with BRAIN_MFA=optional on the small demo and runs it.)

The login page, then for each kind of user (administrator, 南昌 city official, county official, enterprise, service provider) the script signs
in through the login form, then walks the portal the way a user clicks: from the home page it follows every link of the
portal (not downloads, not the API), one page per address pattern (`/enterprises/:x`, `/dashboard?region`), up to
PAGE_LIMIT pages. Each page is checked at both widths:
  - it is not an error page and the browser console shows no error;
  - the page itself never scrolls sideways (wide tables scroll inside their own box);
  - KPI cards show their whole figure (nothing cut off inside the card);
  - form fields and buttons fit on the screen;
  - at 390 px the header takes at most 96 px (the menu collapses behind 菜单), and the menu opens and shows its links.
With SHOTS_DIR every page is saved as a PNG at both widths. Exit status 0 when every check holds.
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE, ADMIN_PASSWORD, BRAIN, DATA = sys.argv[1:5]
SHOTS = sys.argv[5] if len(sys.argv) > 5 else None
PAGE_LIMIT = int(os.environ.get("BRAIN_LAYOUT_PAGES", "80"))
WIDTHS = [(390, 844), (1440, 1000)]
SKIP = re.compile(r"(^/api/|/logout|format=|[?&](csv|xlsx)=|\.csv|\.xlsx|\.pdf|/download|^/data/templates/|/export|/assets/|^/openapi|^/metrics|^/healthz)")
failures = []


def check(ok, what):
    if not ok:
        print("FAIL " + what)
        failures.append(what)
    return ok


def api(method, path, body=None, token=None):
    req = urllib.request.Request(BASE + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"{}")


def browser():
    opts = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1440,1000"]:
        opts.add_argument(a)
    opts.binary_location = "/usr/bin/chromium"
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.implicitly_wait(0)
    return d


def set_viewport(d, width, height):
    """Sets the page's viewport (not the window's outer size) to width × height through the DevTools protocol."""
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def pattern(path_and_query):
    """The address pattern a page stands for: digits and codes in the path become :x, the query keeps its keys only."""
    u = urllib.parse.urlsplit(path_and_query)
    segments = [":x" if re.search(r"\d", s) and not re.fullmatch(r"[a-z-]+", s) else s for s in u.path.split("/")]
    keys = sorted(k for k, _ in urllib.parse.parse_qsl(u.query, keep_blank_values=True))
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


def links(d):
    found = []
    for href in d.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"):
        if not href or href.startswith(("#", "mailto:", "javascript:", "data:")):
            continue
        absolute = urllib.parse.urljoin(d.current_url, href)
        if not absolute.startswith(BASE):
            continue
        path = absolute[len(BASE):].split("#")[0] or "/"
        if not SKIP.search(path):
            found.append(path)
    return found


LAYOUT_PROBE = """
const w = window.innerWidth, out = {};
out.pageWidth = document.documentElement.scrollWidth;
out.width = w;
const header = document.querySelector('header.top');
out.header = header ? Math.round(header.getBoundingClientRect().height) : 0;
out.cutKPIs = Array.from(document.querySelectorAll('.kpi')).filter(k => k.scrollWidth > k.clientWidth + 1)
  .map(k => k.innerText.replace(/\\s+/g, ' ').slice(0, 40));
function insideScroller(e) {
  for (let p = e.parentElement; p; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (s.overflowX === 'auto' || s.overflowX === 'scroll') return true;
    if (s.display === 'none') return true;
  }
  return false;
}
out.offscreen = Array.from(document.querySelectorAll('main input, main select, main textarea, main button'))
  .filter(e => e.type !== 'hidden' && e.offsetParent !== null && !insideScroller(e))
  .filter(e => { const r = e.getBoundingClientRect(); return r.right > w + 1 || r.left < -1; })
  .map(e => (e.name || e.innerText || e.tagName).slice(0, 30));
out.error = /服务器内部错误|Internal Server Error/.test(document.body.innerText);
return out;
"""


def console_errors(d):
    return [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE"]


def check_page(d, who, path, shots):
    for width, height in WIDTHS:
        set_viewport(d, width, height)
        d.get(BASE + path)
        p = d.execute_script(LAYOUT_PROBE)
        where = "%s %s at %d px" % (who, path, width)
        check(not p["error"], where + ": error page")
        check(p["pageWidth"] <= p["width"] + 1, where + ": page scrolls sideways (%d px wide)" % p["pageWidth"])
        check(not p["cutKPIs"], where + ": KPI cards cut: %s" % p["cutKPIs"])
        check(not p["offscreen"], where + ": form fields off screen: %s" % p["offscreen"])
        if width < 600:
            check(p["header"] <= 96, where + ": header %d px high" % p["header"])
        errors = console_errors(d)
        check(not errors, where + ": console errors %s" % errors)
        if shots:
            name = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "home"
            d.save_screenshot(os.path.join(shots, "%s-%s-%d.png" % (who, name, width)))


def menu_opens(d, who):
    set_viewport(d, 390, 844)
    d.get(BASE + "/")
    nav_links = d.find_elements(By.CSS_SELECTOR, "header.top nav a")
    check(nav_links and not any(a.is_displayed() for a in nav_links), who + ": at 390 px the menu starts closed")
    toggles = d.find_elements(By.CSS_SELECTOR, "header.top label.menu")
    if check(toggles and toggles[0].is_displayed(), who + ": at 390 px a 菜单 button is shown"):
        toggles[0].click()
        check(all(a.is_displayed() for a in nav_links), who + ": 菜单 opens the menu with all its links")


def sign_in(d, user, password):
    set_viewport(d, 1440, 1000)
    d.get(BASE + "/login")
    d.find_element(By.NAME, "username").send_keys(user)
    d.find_element(By.NAME, "password").send_keys(password)
    before = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(d, 15).until(lambda drv: before.id != drv.find_element(By.TAG_NAME, "html").id)
    return check("/login" not in d.current_url, user + " signs in")


def crawl(who, user, password, shots):
    d = browser()
    try:
        if not sign_in(d, user, password):
            return 0
        d.get_log("browser")
        menu_opens(d, who)
        # Pages reached through a form rather than a link: the header's enterprise search, where the user has it.
        seen, queue, visited = set(), ["/"], 0
        if d.find_elements(By.CSS_SELECTOR, "header.top form.search"):
            queue.append("/search?q=" + urllib.parse.quote("科技"))
        # 服务中枢: the service catalogue, access requests and usage (every signed-in user has them).
        queue.extend(["/hub/services", "/hub/requests", "/hub/usage"])
        while queue and visited < PAGE_LIMIT:
            path = queue.pop(0)
            key = pattern(path)
            if key in seen:
                continue
            seen.add(key)
            check_page(d, who, path, shots)
            visited += 1
            queue.extend(p for p in links(d) if pattern(p) not in seen)
        return visited
    finally:
        d.quit()


def main():
    token = api("POST", "/api/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD})["token"]
    items = api("GET", "/api/v1/enterprises?region=360100&limit=1", token=token).get("items", [])
    firm = items[0]["uscc"] if items else None
    county = items[0]["region"] if items else "360102"
    accounts = [("nanchang", "city-official", "360100", "Layout#Nc2026"), ("county", "county-official", county, "Layout#County2026"),
                ("provider", "provider", None, "Layout#Provider2026")]
    if check(firm is not None, "a 南昌 firm for the enterprise user"):
        accounts.append(("firm", "enterprise", firm, "Layout#Firm2026"))
    for name, role, scope, pw in accounts:
        args = [BRAIN, "user", "add", "--data", DATA, "layout-" + name, "--role", role, "--password-stdin", "--no-force-change"]
        if scope:
            args += ["--scope", scope]
        subprocess.run(args, input=pw + "\n", text=True, check=True, capture_output=True)
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
    total = 0
    d = browser()
    try:
        check_page(d, "anonymous", "/login", SHOTS)
    finally:
        d.quit()
    for who, user, pw in [("admin", "admin", ADMIN_PASSWORD)] + [(n, "layout-" + n, pw) for n, _, _, pw in accounts]:
        started = time.time()
        pages = crawl(who, user, pw, SHOTS)
        total += pages
        print("%-9s %3d pages at 390 and 1440 px in %.0f s" % (who, pages, time.time() - started))
        check(pages >= (3 if who in ("provider", "firm") else 10), "%s reached %d pages" % (who, pages))
    print("%d pages checked, %d failures" % (total, len(failures)))
    sys.exit(1 if failures else 0)


main()
