"""Browser helpers for the portal's end-to-end tests: Debian's chromium driven by Playwright.

Never ``playwright install``: the tests use the system's /usr/bin/chromium.
axe-core comes from node_modules (``npm ci``) and is injected into each page.
"""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from e2e.live import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
# The what-if allocates every open need twice; on a loaded machine that outlasts the default.
ALLOCATING_PAGE_MS = 120_000
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
BLOCKING_IMPACTS = ("serious", "critical")
# What the law asks of a gemeente's web application: WCAG 2.1 level A and AA (EN 301 549).
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass(frozen=True)
class DemoServer:
    url: str
    database_url: str


def seed_demo(database_url: str, password: str) -> None:
    """Migrate and load the demo coalition with its history, as ``make run`` does."""
    env = {"DATABASE_URL": database_url, "WEGWIJS_DEMO_PASSWORD": password}
    for command in (["db", "upgrade"], ["seed", "--demo"]):
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *command],
            cwd=PROJECT_ROOT, env={**os.environ, **env}, check=True, capture_output=True,
        )


def log_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_selector("text=U bent ingelogd.")


def accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


def wcag_violations(page) -> list[str]:
    """Every axe-core violation of a WCAG 2.1 A or AA rule on the page, whatever its impact."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: tags}})).violations", WCAG_21_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in violations
    ]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^\w-]+", "-", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path
