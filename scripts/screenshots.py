#!/usr/bin/env python3
"""Screenshots of the portal's main pages in headless chromium (Debian's chromium and chromium-driver, selenium from
PyPI), logged in through the real login form.

    python3 scripts/screenshots.py BASE_URL USER PASSWORD OUT_DIR [WIDTH]

Writes home.png, one picture per application tile on the home page (dashboard.png, chains.png, my-policies.png …),
a drill-down (drill.png) and a warning (warning.png) into OUT_DIR, and prints any browser-console errors (exit
status 1 when there are some). Start the server with BRAIN_MFA=optional or give an account without a
second factor.
"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def driver(width):
    opts = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size={width},1000"]:
        opts.add_argument(a)
    opts.binary_location = "/usr/bin/chromium"
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def main():
    base, user, password, out = sys.argv[1:5]
    width = int(sys.argv[5]) if len(sys.argv) > 5 else 1440
    os.makedirs(out, exist_ok=True)
    d = driver(width)
    errors = []

    def shot(path, name):
        d.get(base + path)
        height = d.execute_script("return document.body.scrollHeight")
        d.set_window_size(width, min(max(height, 900), 4000))
        d.save_screenshot(os.path.join(out, name))
        errors.extend(e for e in d.get_log("browser") if e["level"] == "SEVERE")
        print(name, d.title)

    d.get(base + "/login")
    d.find_element(By.NAME, "username").send_keys(user)
    d.find_element(By.NAME, "password").send_keys(password)
    d.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    shot("/", "home.png")
    tiles = [a.get_attribute("href").replace(base, "") for a in d.find_elements(By.CSS_SELECTOR, "a.tile")]
    for path in tiles:
        shot(path, path.strip("/").replace("/", "-") + ".png")
    if "/dashboard" in tiles:
        d.get(base + "/dashboard")
        links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "table a[href*='/dashboard?region=']")]
        if links:
            shot(links[0].replace(base, ""), "drill.png")
    if "/warnings" in tiles:
        d.get(base + "/warnings")
        first = d.find_elements(By.CSS_SELECTOR, "a[href^='/warnings/']")
        if first:
            shot(first[0].get_attribute("href").replace(base, ""), "warning.png")
    d.quit()
    for e in errors:
        print("console:", e["message"])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
