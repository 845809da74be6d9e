"""The portal's CSS and icon: versioned URLs kept a year, sent compressed, trimmed at build."""

import gzip
import re
import shutil
import subprocess
from pathlib import Path

import brotli
import pytest

from web.portal import assets

PROJECT_ROOT = Path(__file__).resolve().parents[3]
IMMUTABLE = "immutable"


def linked_stylesheets(client) -> list[str]:
    page = client.get("/inloggen").get_data(as_text=True)
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)


def test_every_stylesheet_url_carries_its_hash_and_is_kept_a_year(client):
    urls = linked_stylesheets(client)
    assert urls
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{16}$", url), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cache_control.max_age == 365 * 24 * 3600, url
        assert response.cache_control.public and IMMUTABLE in response.headers["Cache-Control"]


def test_a_stale_hash_is_not_kept_a_year(client):
    response = client.get("/static/portal.css?v=0000000000000000")
    assert response.status_code == 200
    assert IMMUTABLE not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("encoding, decompress", [("br", brotli.decompress),
                                                    ("gzip", gzip.decompress)])
def test_stylesheets_are_sent_compressed(client, encoding, decompress):
    url = "/assets/utrecht-components/index.css"
    plain = client.get(url).get_data()
    response = client.get(url, headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert decompress(response.get_data()) == plain
    assert len(response.get_data()) < len(plain) / 5


def test_pages_are_not_compressed(client):
    """A page holds a CSRF token beside what users typed: not compressed (BREACH)."""
    response = client.get("/inloggen", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in response.headers


def test_there_is_a_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    page = client.get("/inloggen").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert client.get(icon).mimetype == "image/svg+xml"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_trimmed_stylesheet_keeps_what_the_templates_use(client, monkeypatch):
    subprocess.run(["make", "-s", "web/static/build/portal.css"], cwd=PROJECT_ROOT, check=True,
                   capture_output=True)
    assert assets.trimmed_is_current()
    trimmed = (PROJECT_ROOT / "web/static/build/portal.css").read_text()
    untrimmed = sum(assets._path(e, p, f).stat().st_size for e, p, f in assets.UNTRIMMED)
    assert len(trimmed) < untrimmed / 3
    # Used literally, built from a value in a template, and a token a component reads.
    for selector in (".utrecht-table__cell--numeric-data", ".utrecht-status-badge--warning",
                     ".utrecht-alert--error", ".utrecht-button--secondary-action",
                     "--utrecht-button-primary-action-background-color:", ".ww-table-wrap"):
        assert selector in trimmed, selector
    assert ".utrecht-calendar" not in trimmed  # no page has a calendar
    monkeypatch.setattr(assets, "_trimmed_at_start", lambda: True)
    assert [url.split("?")[0] for url in linked_stylesheets(client)] == [
        "/assets/noto-sans/index.css", "/static/build/portal.css"]
