"""Rules the review found written more than once stay in their one place.

The expiry and the reminder (days a referral waits for an answer) are
``models.vocabulary.EXPIRY_AFTER`` and ``REMINDER_AFTER``; the capacity limit
is ``models.capacity`` (``places_left`` and its SQL twin ``places_left_of_offer``).
Read from the source, so a page or a query that writes its own copy is caught.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*(ROOT / "models").rglob("*.py"), *(ROOT / "web").rglob("*.py"),
           *(ROOT / "web" / "templates").rglob("*.html"), *(ROOT / "seeds").rglob("*.py")]

# "14 dagen", "na 10 dagen": a number of days written out where the rule's constant belongs.
DAYS_WRITTEN_OUT = re.compile(r"\b(?:10|14|4) dag(?:en)?\b")
# held against capacity, or capacity less held, in code or SQL.
CAPACITY_LIMIT = re.compile(
    r"held\w*\s*(?:[<>]=?|==)\s*[\w.]*capacity|capacity\s*(?:[<>]=?|==|-)\s*[\w.()]*held",
    re.IGNORECASE)


def copies(pattern: re.Pattern, allowed: set[str]) -> dict[str, list[str]]:
    found = {}
    for path in SOURCES:
        name = str(path.relative_to(ROOT))
        if name in allowed:
            continue
        lines = [line.strip() for line in path.read_text().splitlines()
                 if pattern.search(line) and not line.strip().startswith(("#", '"""'))]
        if lines:
            found[name] = lines
    return found


def test_the_expiry_and_reminder_days_are_written_only_as_their_constants():
    assert copies(DAYS_WRITTEN_OUT, allowed=set()) == {}


def test_the_capacity_limit_is_written_only_in_models_capacity():
    assert copies(CAPACITY_LIMIT, allowed={"models/capacity.py"}) == {}


def test_the_guards_see_a_copy():
    assert DAYS_WRITTEN_OUT.search('"hint": "vervalt na 14 dagen."')
    assert CAPACITY_LIMIT.search("or_(held >= Offer.capacity, waiting > 0)")
    assert CAPACITY_LIMIT.search("free = offer.capacity - held_places")
