"""The ADR linter (Spectral with Logius's ruleset) finds no error in /api/v1/openapi.json
except the deviations docs/api-design-rules.md explains."""

import json
import re
import subprocess
from pathlib import Path

import api_world
import pytest

from web.api.spec import API_VERSION

world = api_world.world

ROOT = Path(__file__).resolve().parents[3]
RULESET = ROOT / "docs" / "api-design-rules" / "linter.yaml"
DEVIATIONS = ROOT / "docs" / "api-design-rules.md"
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
ERROR = 0  # Spectral's severity of an error
ROW = re.compile(r"^\| `(?P<rule>[^`]+)` \| `(?P<where>[^`]+)` \| (?P<reason>.+) \|$")


def explained_deviations() -> set[tuple[str, str]]:
    rows = [ROW.match(line) for line in DEVIATIONS.read_text(encoding="utf-8").splitlines()]
    found = {(m["rule"], m["where"]) for m in rows if m and m["reason"].strip()}
    assert found, "docs/api-design-rules.md lists no deviation in its table"
    return found


def where(document: dict, path: list) -> str:
    """Spectral's path with parameters named rather than numbered (robust to their order)."""
    parts, node = [], document
    for segment in path:
        node = node[int(segment)] if isinstance(node, list) else node[segment]
        named = isinstance(node, dict) and parts and parts[-1] == "parameters"
        parts.append(node["name"] if named else str(segment))
    return " ".join(parts)


def lint(document: dict, tmp_path: Path) -> list[dict]:
    if not SPECTRAL.exists():
        pytest.fail("node_modules/.bin/spectral is missing: run `npm ci` (make test does)")
    target = tmp_path / "openapi.json"
    target.write_text(json.dumps(document), encoding="utf-8")
    run = subprocess.run(
        [str(SPECTRAL), "lint", "--quiet", "--format", "json", "--ruleset", str(RULESET),
         str(target)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert run.stdout.strip().startswith("["), run.stdout + run.stderr
    return json.loads(run.stdout)


def test_openapi_keeps_the_api_design_rules_or_explains(client, tmp_path):
    document = client.get("/api/v1/openapi.json").get_json()
    results = lint(document, tmp_path)
    errors = {(r["code"], where(document, r["path"])) for r in results if r["severity"] == ERROR}
    explained = explained_deviations()
    assert errors - explained == set(), "errors the ADR linter finds and nobody explained"
    assert explained - errors == set(), "deviations listed that the linter no longer finds"


def test_an_unexplained_error_fails(client, tmp_path):
    """The check above can fail: a document without servers breaks a rule nobody explained."""
    document = client.get("/api/v1/openapi.json").get_json()
    del document["servers"]
    codes = {r["code"] for r in lint(document, tmp_path) if r["severity"] == ERROR}
    assert "oas3-api-servers" in codes


def test_every_api_response_names_the_version_of_the_document(client, world):
    document = client.get("/api/v1/openapi.json")
    assert document.get_json()["info"]["version"] == API_VERSION == "1.2.0"
    headers = world["auth"]["coordinator"]
    answers = {
        200: client.get("/api/v1/offers", headers=headers),
        401: client.get("/api/v1/offers"),
        404: client.get("/api/v1/bestaat-niet", headers=headers),
        422: client.post("/api/v1/offers", headers=headers, json={"title": ""}),
    }
    for status, response in answers.items():
        assert response.status_code == status
        assert response.headers["API-Version"] == API_VERSION
    assert document.headers["API-Version"] == API_VERSION
    # The portal and HSDS are not /api/v1: they do not claim its version.
    assert "API-Version" not in client.get("/health").headers


def test_the_explanation_names_the_version_the_document_has():
    # docs/api-design-rules.md says which info.version the document keeps to.
    named = re.findall(r"`info\.version` is the full semantic version \(`([^`]+)`\)",
                       DEVIATIONS.read_text(encoding="utf-8"))
    assert named == [API_VERSION]
