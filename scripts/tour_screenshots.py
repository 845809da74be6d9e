"""Screenshots of the portal as it is, for docs/tour.md: `python scripts/tour_screenshots.py`.

Seeds a scratch SQLite database with the demo coalition (as `make run` does),
starts gunicorn on a free loopback port, and lets Debian's chromium (through
Playwright) sign in as each demo account and photograph its pages at 1280 px
wide (one at 390 px). The PNGs go to docs/tour/, reduced to 64 colours so the
repository stays small.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "tour"
PASSWORD = "rondleiding"
CHROMIUM = "/usr/bin/chromium"

# (file, account, path or a step on the page, width); the steps are below.
SHOTS = [
    ("01-inloggen", None, "/inloggen", 1280),
    ("02-klantmanager-werkbak", "klantmanager.utrecht@wegwijs.example", "/", 1280),
    ("03-klantmanager-inburgeraars", "klantmanager.utrecht@wegwijs.example",
     "/klantmanager/inburgeraars", 1280),
    ("04-klantmanager-inburgeraar", "klantmanager.utrecht@wegwijs.example", "first-person", 1280),
    ("05-klantmanager-verdeelvoorstel", "klantmanager.utrecht@wegwijs.example",
     "/klantmanager/verdeelvoorstel", 1280),
    ("06-partner-verwijzingen", "taalschool@wegwijs.example", "/partner/verwijzingen", 1280),
    ("07-partner-aanbod", "taalschool@wegwijs.example", "/partner/aanbod", 1280),
    ("08-coordinator-overzicht", "coordinator@wegwijs.example", "/", 1280),
    ("09-coordinator-verwijzingen-achter-een-cijfer", "coordinator@wegwijs.example",
     "first-figure", 1280),
    ("10-coordinator-trechter", "coordinator@wegwijs.example", "/coordinator/verwijzingen", 1280),
    ("11-coordinator-wat-als", "coordinator@wegwijs.example", "what-if", 1280),
    ("12-coordinator-capaciteit", "coordinator@wegwijs.example", "/coordinator/capaciteit", 1280),
    ("13-telefoon-inburgeraars", "klantmanager.utrecht@wegwijs.example",
     "/klantmanager/inburgeraars", 390),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(folder: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'tour.sqlite'}",
           "WEGWIJS_DEMO_PASSWORD": PASSWORD, "SECRET_KEY": "rondleiding"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed", "--demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--bind",
                               f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(base + "/health", timeout=1).ok:
                return server, base
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def go(page, base: str, where: str) -> None:
    if where.startswith("/"):
        page.goto(base + where)
    elif where == "first-person":
        page.goto(base + "/klantmanager/inburgeraars")
        page.locator("main table a[href*='/klantmanager/inburgeraars/']").first.click()
    elif where == "first-figure":
        page.goto(base + "/")
        page.locator("main a.ww-figure-link").first.click()
    elif where == "what-if":
        page.goto(base + "/coordinator/wat-als")
        page.get_by_label("Aanbieder", exact=True).select_option(
            label="Taalschool Domstad (fictief)")
        page.get_by_label("Alleen aanbod in het domein", exact=True).select_option("taal")
        page.get_by_label("Aantal extra plaatsen", exact=True).fill("10")
        page.get_by_role("button", name="Bereken").click()
        page.locator("#wat-als-effecten").scroll_into_view_if_needed()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server, base = serve(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=["--headless", "--no-sandbox"])
                for name, email, where, width in SHOTS:
                    context = browser.new_context(locale="nl-NL",
                                                  viewport={"width": width, "height": 900})
                    page = context.new_page()
                    if email:
                        page.goto(base + "/inloggen")
                        page.get_by_label("E-mailadres").fill(email)
                        page.get_by_label("Wachtwoord").fill(PASSWORD)
                        page.get_by_role("button", name="Inloggen").click()
                        page.wait_for_selector("text=U bent ingelogd.")
                    go(page, base, where)
                    path = OUT / f"{name}.png"
                    page.screenshot(path=str(path))
                    Image.open(path).convert("RGB").quantize(64).save(path, optimize=True)
                    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
