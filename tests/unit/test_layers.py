"""The layers import one way (README, architecture): web → models → matching.

Read from the source with ``ast``, so an import inside a function counts too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A package and the top-level packages it may never import.
FORBIDDEN = {
    "web": {"matching"},  # the portal and the API reach the engine through models/
    "models": {"web", "flask"},
    "matching": {"web", "models", "flask", "sqlalchemy"},
}


def imported_packages(path: Path) -> set[str]:
    """The top-level package of every absolute import in the module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", FORBIDDEN)
def test_layers_import_one_way(package):
    modules = sorted((ROOT / package).rglob("*.py"))
    assert modules
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in modules
    }
    assert {module: names for module, names in wrong.items() if names} == {}


def test_the_scan_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from matching.vocab import DAYPARTS\n    import flask.json\n")
    assert imported_packages(module) == {"matching", "flask"}
