"""An offer's places have one writer, models/places.py (README, architecture).

Every module of the application (models/, web/, seeds/, scripts/, bench/,
wsgi.py; not the migrations, not the tests) is read with ``ast``: outside
models/places.py nothing may create an ``Offer``, a ``Referral`` or a
``WaitlistEntry``, assign ``.capacity``, ``.closed_at`` or ``.status``, set
them by ``setattr`` with the name written out, update or insert them through
the ORM, or in SQL text. A new writer calls models/places.py instead.
(A ``setattr`` with a computed name, as the offer edits use, is not seen here:
those loops leave out the capacity, and their tests say so.)
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
THE_WRITER = "models/places.py"
MODELS = {"Offer", "Referral", "WaitlistEntry"}
MODEL_MODULES = {"models", "models.coalition", "models.referral", "models.waitlist_entry",
                 "models.waitlist"}
COLUMNS = {"capacity", "closed_at", "status"}
TABLES = {"Offer": "offer", "Referral": "referral", "WaitlistEntry": "waitlist_entry"}
SQL_WRITE = re.compile(
    r"\b(?:UPDATE\s+(?:offer|referral|waitlist_entry)\s+SET\b[^;]*?\b(?:capacity|closed_at|status)\b"
    r"|INSERT\s+INTO\s+(?:offer|referral|waitlist_entry)\b)",
    re.IGNORECASE | re.DOTALL)


def application_modules() -> list[Path]:
    found = [ROOT / "wsgi.py"]
    for package in ("models", "web", "seeds", "scripts", "bench"):
        found += (ROOT / package).rglob("*.py")
    return sorted(path for path in found if path.exists())


def model_names(tree: ast.Module) -> set[str]:
    """The names under which the module imported the three models."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in MODEL_MODULES:
            names |= {alias.asname or alias.name for alias in node.names
                      if alias.name in MODELS}
    return names


def writes(source: str, filename: str = "<source>") -> list[str]:
    """Each place in the source that writes an offer's places, as "line: what"."""
    tree = ast.parse(source, filename=filename)
    models = model_names(tree)
    found = []
    for node in ast.walk(tree):
        where = getattr(node, "lineno", 0)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in models:
                found.append(f"{where}: creates a {node.func.id}")
            elif node.func.id == "setattr" and len(node.args) >= 2 and isinstance(
                    node.args[1], ast.Constant) and node.args[1].value in COLUMNS:
                found.append(f"{where}: setattr {node.args[1].value}")
            elif node.func.id == "insert" and _model_argument(node, models):
                found.append(f"{where}: insert({node.args[0].id})")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr == "values"):
            model = _updated_model(node.func.value, models)
            columns = {k.arg for k in node.keywords} | {
                key.value for arg in node.args if isinstance(arg, ast.Dict)
                for key in arg.keys if isinstance(key, ast.Constant)}
            if model and columns & COLUMNS:
                found.append(f"{where}: update({model}) of {sorted(columns & COLUMNS)}")
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Attribute) and part.attr in COLUMNS and isinstance(
                            part.ctx, ast.Store):
                        found.append(f"{where}: assigns .{part.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_WRITE.search(
                node.value):
            found.append(f"{where}: SQL writes {SQL_WRITE.search(node.value).group(0)[:40]!r}")
    return found


def _model_argument(call: ast.Call, models: set[str]) -> bool:
    return bool(call.args) and isinstance(call.args[0], ast.Name) and call.args[0].id in models


def _updated_model(node: ast.expr, models: set[str]) -> str | None:
    """The model of the ``update(Model)`` the chain of ``.where(...)`` calls starts from."""
    while isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "update":
            return node.args[0].id if _model_argument(node, models) else None
        node = node.func.value if isinstance(node.func, ast.Attribute) else None
    return None


def test_nothing_but_models_places_writes_an_offers_places():
    found = {}
    for path in application_modules():
        name = str(path.relative_to(ROOT))
        if name == THE_WRITER:
            continue
        if hits := writes(path.read_text(), name):
            found[name] = hits
    assert found == {}, "write through models/places.py instead"


def test_the_writer_itself_is_seen_writing():
    hits = writes((ROOT / THE_WRITER).read_text())
    assert any("creates a Referral" in hit for hit in hits)
    assert any("creates a WaitlistEntry" in hit for hit in hits)
    assert any("assigns .capacity" in hit for hit in hits)
    assert any("assigns .closed_at" in hit for hit in hits)
    assert any("update(WaitlistEntry) of ['closed_at', 'status']" in hit for hit in hits)


@pytest.mark.parametrize("source", [
    "from models.coalition import Offer\noffer = Offer(capacity=3)",
    "from models import Referral as R\nR(status='sent')",
    "offer.capacity = 4",
    "referral.status = 'withdrawn'",
    "offer.closed_at = None",
    "setattr(offer, 'closed_at', now)",
    "from models.waitlist_entry import WaitlistEntry\n"
    "session.execute(update(WaitlistEntry).where(WaitlistEntry.id == 1).values(status='x'))",
    "from models import Offer\nupdate(Offer).values({'capacity': 0})",
    "from models import Offer\ninsert(Offer)",
    "session.execute(text('UPDATE offer SET capacity = 3 WHERE id = 1'))",
    "connection.execute('update referral set note = 1, status = 2')",
])
def test_the_guard_sees_each_kind_of_write(source):
    assert writes(source)


@pytest.mark.parametrize("source", [
    "from matching import engine\nengine.Offer(capacity=3)",  # the engine's own value object
    "schemas.Referral(status=row.status)",  # an API representation
    "session.execute(update(OutboxMail).values(status='sent'))",
    "from models import Referral\nupdate(Referral).where(Referral.id == 1).values(note=None)",
    "writer.execute('UPDATE offer SET title = title')",
    "if offer.capacity >= held: pass",
])
def test_the_guard_leaves_reads_and_other_tables_alone(source):
    assert writes(source) == []
