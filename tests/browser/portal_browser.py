#!/usr/bin/env python3
"""Portal tests in a real browser: Debian's headless chromium driven through chromium-driver by selenium (PyPI).

    python3 tests/browser/portal_browser.py BASE_URL ADMIN_PASSWORD BRAIN_BINARY DATA_DIR

(scripts/browser-tests.sh starts the server and runs it.)

Needs a server with the second factor required (the default) on the small demo dataset. The script:
  1. creates a 南昌 city official and an enterprise user through the API as `admin` (enrolling admin's second factor);
  2. enrols the official's second factor (TOTP computed here with hmac/hashlib, as an authenticator app would);
  3. in the browser: logs in as the official with password and code, opens the dashboard, drills down to a county and
     an enterprise, opens a warning and acknowledges it, checks the page texts and that the console shows no errors;
  4. opens 转型升级规划 and 科技创新示范 from the home page's tiles; uploads a monthly-indicators file on 数据导入 and
     follows its job page (the progress bar, refreshed by the same-origin script) to the report with the rejected rows;
  5. logs in as a new county official in the browser, is sent to the enrolment page, reads its QR code with zbar's
     decoder (zbarimg, Debian's zbar-tools) as a phone would, confirms with the code computed from the decoded secret
     and sees the recovery codes;
  6. logs in as the enterprise user and opens "my policies"; checks that the dashboard is refused.
Exit status 0 when every check holds.
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE, ADMIN_PASSWORD = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def api(method, path, body=None, token=None):
    req = urllib.request.Request(BASE + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def totp(secret, offset=0):
    key = base64.b32decode(secret + "=" * ((8 - len(secret) % 8) % 8))
    counter = int(time.time()) // 30 + offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    o = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def enrol(user, password):
    """Logs in, enrols TOTP, waits for the next step and logs in again; returns (secret, token)."""
    status, r = api("POST", "/api/v1/auth/login", {"username": user, "password": password})
    assert status == 200, r
    status, e = api("POST", "/api/v1/me/mfa/enrol", {}, r["token"])
    assert status == 200, e
    status, c = api("POST", "/api/v1/me/mfa/confirm", {"otp": totp(e["secret"])}, r["token"])
    assert status == 200, c
    time.sleep(31 - int(time.time()) % 30)
    status, r = api("POST", "/api/v1/auth/login", {"username": user, "password": password, "otp": totp(e["secret"])})
    assert status == 200 and r["factors"] == "password+totp", r
    return e["secret"], r["token"]


def browser():
    opts = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1440,1000"]:
        opts.add_argument(a)
    opts.binary_location = "/usr/bin/chromium"
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.implicitly_wait(10)
    return d


def submit_and_wait(d, element):
    """Clicks a submit button and waits until the browser has left the page (a form post answers with a redirect)."""
    before = d.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(d, 15).until(lambda drv: before.id != drv.find_element(By.TAG_NAME, "html").id)


def console_errors(d, allowed=()):
    return [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE" and not any(a in e["message"] for a in allowed)]


def enrol_in_browser(d):
    """A new official's first login: the enrolment page's QR code, read by zbar, gives the secret that confirms it."""
    d.get(BASE + "/login")
    d.find_element(By.NAME, "username").send_keys("browser-county")
    d.find_element(By.NAME, "password").send_keys("Browser#County2026")
    submit_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    check("/enrol" in d.current_url and "绑定第二因子" in d.page_source, "first login leads to the enrolment page")
    picture = os.path.join(tempfile.mkdtemp(), "qr.png")
    d.find_element(By.CSS_SELECTOR, ".qr svg").screenshot(picture)
    scanned = subprocess.run(["zbarimg", "--raw", "-q", picture], capture_output=True, text=True)
    uri = scanned.stdout.strip()
    check(scanned.returncode == 0 and uri.startswith("otpauth://totp/"), "zbar reads the QR code: %r" % uri)
    shown = d.find_element(By.CSS_SELECTOR, "code").text.strip()
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query).get("secret", [""])[0]
    check(secret == shown, "the QR code carries the secret shown as text")
    d.find_element(By.NAME, "otp").send_keys(totp(secret))
    submit_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    codes = d.find_elements(By.CSS_SELECTOR, "li code")
    check("恢复码" in d.page_source and len(codes) == 10, "enrolment confirmed with the scanned secret; ten recovery codes shown")
    check(not console_errors(d), "no console errors during enrolment")


def import_job(d, firms):
    """数据导入 as a background job: the upload goes to the job page, whose script follows the progress to the report."""
    rows = ["uscc,month,output_value,electricity"]
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            for i, uscc in enumerate(firms):
                rows.append("%s,%d-%02d,%s,%d" % (uscc, year, month, "-1" if i == 0 else str(1000 + i), 10 + i % 5))
    path = os.path.join(tempfile.mkdtemp(), "browser-indicators.csv")
    with open(path, "w") as f:
        f.write("\n".join(rows) + "\n")
    d.get(BASE + "/data")
    d.find_element(By.NAME, "file").send_keys(path)
    submit_and_wait(d, d.find_element(By.XPATH, "//button[contains(., '导入')]"))
    check("/data/imports/" in d.current_url and "导入进度" in d.page_source, "the upload goes to the job page")
    WebDriverWait(d, 120).until(lambda drv: "导入已结束" in drv.page_source)
    body = d.find_element(By.TAG_NAME, "body").text
    check(("共 {:,} 行".format(len(rows) - 1)) in body and "被拒绝的行" in body and "不能为负数" in body, "the job page ends with the report and the rejected rows")
    check(d.find_elements(By.CSS_SELECTOR, "a[href^='/data/batches/']") and d.find_elements(By.CSS_SELECTOR, "a[href$='rejected?format=csv']"),
          "links to the batch and to the rejected rows' download")
    errors = console_errors(d)
    check(not errors, "no console errors (the Content-Security-Policy lets the page's script run): %s" % errors)


def main():
    _, admin = enrol("admin", ADMIN_PASSWORD)
    status, firms = api("GET", "/api/v1/enterprises?region=360100&limit=200", token=admin)
    firm = firms["items"][0]["uscc"]
    nanchang_firms = [f["uscc"] for f in firms["items"]]
    # Accounts are made with `brain user add`, as an administrator would.
    import subprocess
    for name, role, scope, pw in [("browser-nc", "city-official", "360100", "Browser#Nc2026"), ("browser-firm", "enterprise", firm, "Browser#Firm2026"),
                                  ("browser-county", "county-official", "360102", "Browser#County2026")]:
        subprocess.run([sys.argv[3], "user", "add", "--data", sys.argv[4], name, "--role", role, "--scope", scope, "--password-stdin", "--no-force-change"],
                       input=pw + "\n", text=True, check=True, capture_output=True)
    secret, _ = enrol("browser-nc", "Browser#Nc2026")

    d = browser()
    try:
        d.get(BASE + "/login")
        check("登录" in d.page_source, "login page shows 登录")
        time.sleep(31 - int(time.time()) % 30)
        d.find_element(By.NAME, "username").send_keys("browser-nc")
        d.find_element(By.NAME, "password").send_keys("Browser#Nc2026")
        d.find_element(By.NAME, "otp").send_keys(totp(secret))
        submit_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        ok = d.current_url.rstrip("/") == BASE and "南昌市" in d.page_source
        check(ok, "logged in with the second factor; home shows 南昌市")
        if not ok:
            print("at", d.current_url, "\n", d.find_element(By.TAG_NAME, "body").text[:600])
        submit_and_wait(d, d.find_element(By.LINK_TEXT, "工业运行"))
        check("工业运行 · 南昌市" in d.page_source and d.find_elements(By.CSS_SELECTOR, "svg"), "dashboard of 南昌市 with charts")
        check("工业总产值" in d.page_source and "同比" in d.page_source, "dashboard shows 工业总产值 and 同比")
        county = d.find_elements(By.CSS_SELECTOR, "table a[href*='/dashboard?region=']")[0]
        county_name = county.text
        submit_and_wait(d, county)
        check(("工业运行 · " + county_name) in d.page_source, "drilled down to " + county_name)
        firm_link = d.find_elements(By.CSS_SELECTOR, "a[href^='/enterprises/']")
        check(len(firm_link) > 0, "county page lists enterprises")
        if firm_link:
            firm_name = firm_link[0].text
            submit_and_wait(d, firm_link[0])
            check(firm_name in d.page_source and "月度数据" in d.page_source, "enterprise page of " + firm_name)
        d.get(BASE + "/warnings?state=open")
        check("风险预警" in d.page_source, "warnings list")
        submit_and_wait(d, d.find_elements(By.CSS_SELECTOR, "a[href^='/warnings/']")[0])
        check("预警说明" in d.page_source, "warning detail explains why it fired")
        d.find_element(By.NAME, "note").send_keys("已电话核实")
        submit_and_wait(d, d.find_element(By.XPATH, "//button[contains(., '确认预警')]"))
        check("已确认" in d.page_source and "browser-nc" in d.page_source, "warning acknowledged, with who")
        d.find_element(By.ID, "assign-note").send_keys("请县局上门核实")
        submit_and_wait(d, d.find_element(By.XPATH, "//button[normalize-space()='交办']"))
        check("办理期限：" in d.page_source and "请县局上门核实" in d.page_source and "已交办" in d.page_source,
              "warning assigned to the firm's county with a deadline; the note is in its timeline")
        errors = console_errors(d)
        check(not errors, "no console errors for the official: %s" % errors)
        d.get(BASE + "/")
        submit_and_wait(d, d.find_element(By.PARTIAL_LINK_TEXT, "转型升级规划"))
        check("产业链转型升级规划简报" in d.page_source and "推荐举措" in d.page_source, "upgrade brief from the home page")
        d.get(BASE + "/")
        submit_and_wait(d, d.find_element(By.PARTIAL_LINK_TEXT, "科技创新示范"))
        check("示范项目" in d.page_source and "登记示范项目" in d.page_source, "demonstration projects with the registration form")
        errors = console_errors(d)
        check(not errors, "no console errors on the programme pages: %s" % errors)
        import_job(d, nanchang_firms)
        d.get(BASE + "/")
        submit_and_wait(d, d.find_element(By.XPATH, "//button[contains(., '退出')]"))
        check("/login" in d.current_url, "logged out")

        enrol_in_browser(d)

        d.get(BASE + "/login")
        d.find_element(By.NAME, "username").send_keys("browser-firm")
        d.find_element(By.NAME, "password").send_keys("Browser#Firm2026")
        submit_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        submit_and_wait(d, d.find_element(By.LINK_TEXT, "我的政策"))
        check("我的政策" in d.page_source and "满足" in d.page_source, "enterprise user sees my policies with criteria")
        d.get(BASE + "/dashboard")
        check("无权访问" in d.page_source, "the dashboard is refused to the enterprise user")
        errors = console_errors(d, allowed=("/dashboard",))
        check(not errors, "no unexpected console errors for the enterprise user: %s" % errors)
    finally:
        d.quit()
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
