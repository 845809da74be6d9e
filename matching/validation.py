"""Validation of scenarios: the JSON Schema for shape, then semantic checks.

Only the first error is reported, the one that comes first in the document,
so that a person fixing a file by hand always sees the earliest mistake.
Semantic checks run on the :class:`~matching.scenario.Scenario` objects, so a
scenario built from Python objects (the web app) is checked the same way.
"""

import datetime as dt
import json
import re
from functools import cache
from importlib import resources

import fastjsonschema

from matching import vocab
from matching.errors import ScenarioError
from matching.geo import pc4_table

__all__ = ["AS_REFERRED_FIELDS", "check_scenario", "format_path", "integer_fields",
           "scenario_schema", "validate_document"]

_TYPE_NAMES = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}
# The person's fields a history entry's ``as_referred`` may give (the contract's schema).
AS_REFERRED_FIELDS = ("postcode", "lat", "lon", "languages", "level", "leerroute", "education",
                      "availability", "childcare_needed", "max_travel_km", "sectors",
                      "mentor_id", "latin_literate", "duaal")
_PATTERN_NOUNS = {"^[1-9][0-9]{3}$": "a postcode (4 digits)", "^[a-z]{2,3}$": "a language code"}


@cache
def scenario_schema():
    """The contract's JSON Schema of a scenario, as shipped with the package.

    Examples
    --------
    >>> scenario_schema()["title"]
    'Matching scenario'
    """
    path = resources.files("matching") / "contract" / "scenario.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def integer_fields(kind):
    """The fields the schema types ``integer`` in one of its objects (``$defs``).

    Examples
    --------
    >>> sorted(integer_fields("offer"))
    ['capacity', 'max_age', 'min_age']
    """
    properties = scenario_schema()["$defs"][kind].get("properties", {})
    return frozenset(name for name, spec in properties.items() if spec.get("type") == "integer")


def _inline(node, defs):
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            return _inline(defs[node["$ref"].removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


@cache
def _validator():
    # Imported here: only a rejected document needs it (0.1 s of CPU to import).
    from jsonschema import Draft202012Validator

    # The schema's $refs are inlined (it has no recursion): resolving them for
    # every object is a third of the validation time of a large scenario.
    schema = scenario_schema()
    checker = Draft202012Validator.FORMAT_CHECKER
    return Draft202012Validator(_inline(schema, schema["$defs"]), format_checker=checker)


@cache
def _compiled():
    # A valid document is the common case: a compiled check passes it many
    # times faster; only a rejected one goes through jsonschema for its message.
    schema = scenario_schema()
    plain = {k: v for k, v in _inline(schema, schema["$defs"]).items()
             if k not in ("$schema", "$id")}
    return fastjsonschema.compile(plain, formats={"date": _is_date})


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_date(value):
    # jsonschema's "date" format check (jsonschema._format.is_date), without its import.
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.fullmatch(value) and dt.date.fromisoformat(value))
    except ValueError:
        return False


def format_path(parts):
    """Format a path of keys and indexes as ``offers[3].min_level``.

    Examples
    --------
    >>> format_path(["offers", 3, "min_level"])
    'offers[3].min_level'
    >>> format_path([])
    '$'
    """
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text or "$"


def _position(doc, parts):
    # Where a path sits in the document: key order as written, then indexes.
    position, node = [], doc
    for part in parts:
        if isinstance(node, dict):
            keys = list(node)
            position.append(keys.index(part) if part in node else len(keys))
        elif isinstance(node, list) and isinstance(part, int):
            position.append(part)
        else:
            position.append(0)
        node = node[part] if isinstance(node, dict | list) and _has(node, part) else None
    return tuple(position)


def _has(node, part):
    return part in node if isinstance(node, dict) else isinstance(part, int) and part < len(node)


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _describe(error):
    """The path and one-line message for one jsonschema error."""
    path, kind, instance, allowed = list(error.absolute_path), error.validator, error.instance, (
        error.validator_value)
    if "propertyNames" in error.schema_path:
        path.append(instance)
    if kind == "enum":
        return path, f"{_short(instance)} is not {vocab.a_noun_for(allowed)}"
    if kind == "const":
        return path, f"{_short(instance)} is not supported (expected {allowed!r})"
    if kind == "type":
        return path, f"{_short(instance)} is not {_TYPE_NAMES.get(allowed, allowed)}"
    if kind == "required":
        missing = [p for p in allowed if p not in instance]
        name = next((p for p in missing if error.message.startswith(repr(p))), missing[0])
        return [*path, name], "required field is missing"
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        return [*path, next(k for k in instance if k not in known)], "unknown field"
    if kind == "pattern":
        return path, f"{_short(instance)} is not {_PATTERN_NOUNS.get(allowed, 'valid')}"
    if kind == "format":
        return path, f"{_short(instance)} is not a {allowed} (YYYY-MM-DD)"
    if kind in ("minLength", "maxLength"):
        return path, f"{_short(instance)} has the wrong length ({kind} {allowed})"
    return path, re.sub(r"\s+", " ", error.message)


def validate_document(doc):
    """Check a parsed document against the scenario's JSON Schema.

    Parameters
    ----------
    doc : object
        The parsed JSON document.

    Raises
    ------
    ScenarioError
        For the schema error that comes first in document order.

    Examples
    --------
    >>> doc = {"version": 1, "reference_date": "2026-11-24", "partners": [],
    ...        "offers": [{"id": "o1", "partner_id": "p1", "domain": "taal",
    ...                    "capacity": 1, "min_level": "B3"}], "inburgeraars": []}
    >>> validate_document(doc)
    Traceback (most recent call last):
    ...
    matching.errors.ScenarioError: offers[0].min_level: 'B3' is not a level
    """
    try:
        _compiled()(doc)
        return
    except fastjsonschema.JsonSchemaException:
        pass
    found = [_describe(e) for e in _validator().iter_errors(doc)]
    if found:
        path, message = min(found, key=lambda f: _position(doc, f[0]))
        raise ScenarioError(format_path(path), message)


def _check_value(path, value, allowed):
    if value is not None and value not in allowed:
        yield path, f"{_short(value)} is not {vocab.a_noun_for(allowed)}"


def _check_values(path, values, allowed):
    for j, value in enumerate(values):
        yield from _check_value([*path, j], value, allowed)


def _check_location(path, obj):
    if (obj.lat is None) != (obj.lon is None):
        missing, given = ("lon", "lat") if obj.lon is None else ("lat", "lon")
        yield [*path, missing], f"{missing} is missing while {given} is given"
    elif obj.lat is None and obj.postcode is not None and obj.postcode not in pc4_table():
        yield [*path, "postcode"], f"{obj.postcode!r} is not in the postcode table"


def _check_ids(name, objects):
    seen = set()
    for i, obj in enumerate(objects):
        if obj.id in seen:
            yield [name, i, "id"], f"duplicate id {obj.id!r}"
        seen.add(obj.id)


def _semantic_errors(scenario):
    partners = {p.id: p for p in scenario.partners}
    offer_ids = {o.id for o in scenario.offers}
    people = {i.id for i in scenario.inburgeraars}
    yield from _check_ids("partners", scenario.partners)
    for i, p in enumerate(scenario.partners):
        path = ["partners", i]
        yield from _check_value([*path, "kind"], p.kind, vocab.PARTNER_KINDS)
        yield from _check_location(path, p)
        for j, tie in enumerate(p.ties):
            if tie not in partners:
                yield [*path, "ties", j], f"{tie!r} is not a partner"
    yield from _check_ids("offers", scenario.offers)
    for i, o in enumerate(scenario.offers):
        yield from _offer_errors(["offers", i], o, partners)
    yield from _check_ids("inburgeraars", scenario.inburgeraars)
    for i, person in enumerate(scenario.inburgeraars):
        yield from _person_errors(["inburgeraars", i], person, partners)
    for k, h in enumerate(scenario.history):
        path = ["history", k]
        if h.inburgeraar_id not in people:
            yield [*path, "inburgeraar_id"], f"{h.inburgeraar_id!r} is not an inburgeraar"
        if h.offer_id not in offer_ids:
            yield [*path, "offer_id"], f"{h.offer_id!r} is not an offer"
        yield from _check_value([*path, "outcome"], h.outcome, vocab.OUTCOMES)
        yield from _check_value([*path, "reason_code"], h.reason_code, vocab.REASON_CODES)
        if h.as_referred:
            yield from _as_referred_errors([*path, "as_referred"], h.as_referred, partners)
    yield from _check_ids("forecast", scenario.forecast)
    for i, person in enumerate(scenario.forecast):
        yield from _person_errors(["forecast", i], person, partners)


def _offer_errors(path, o, partners):
    if o.partner_id not in partners:
        yield [*path, "partner_id"], f"{o.partner_id!r} is not a partner"
    yield from _check_value([*path, "domain"], o.domain, vocab.DOMAINS)
    yield from _check_value([*path, "kind"], o.kind, vocab.OFFER_KINDS)
    if not isinstance(o.capacity, int) or isinstance(o.capacity, bool) or o.capacity < 0:
        yield [*path, "capacity"], f"{_short(o.capacity)} is not a whole number >= 0"
    yield from _check_location(path, o)
    yield from _check_value([*path, "min_level"], o.min_level, vocab.LEVELS)
    yield from _check_value([*path, "max_level"], o.max_level, vocab.LEVELS)
    if o.min_level in vocab.LEVELS and o.max_level in vocab.LEVELS and (
            vocab.LEVELS.index(o.min_level) > vocab.LEVELS.index(o.max_level)):
        yield [*path, "min_level"], f"{o.min_level!r} is above max_level {o.max_level!r}"
    yield from _check_values([*path, "leerroutes"], o.leerroutes, vocab.LEERROUTES)
    yield from _check_values([*path, "schedule"], o.schedule, vocab.DAYPARTS)
    if o.min_age is not None and o.max_age is not None and o.min_age > o.max_age:
        yield [*path, "min_age"], f"{o.min_age} is above max_age {o.max_age}"


def _person_errors(path, person, partners):
    yield from _check_location(path, person)
    yield from _check_value([*path, "gender"], person.gender, vocab.GENDERS)
    yield from _check_value([*path, "level"], person.level, vocab.LEVELS)
    yield from _check_value([*path, "leerroute"], person.leerroute, vocab.LEERROUTES)
    for domain, weight in person.needs.items():
        yield from _check_value([*path, "needs", domain], domain, vocab.DOMAINS)
        if not weight >= 0:
            yield [*path, "needs", domain], f"{_short(weight)} is not a weight >= 0"
    yield from _check_values([*path, "availability"], person.availability, vocab.DAYPARTS)
    mentor = person.mentor_id
    if mentor is not None and mentor not in partners:
        yield [*path, "mentor_id"], f"{mentor!r} is not a partner"
    elif mentor is not None and partners[mentor].kind not in vocab.MENTOR_KINDS:
        yield [*path, "mentor_id"], f"{mentor!r} is not a maatjesproject or mentor"


def _as_referred_errors(path, fields, partners):
    """The person's fields as referred: the same checks as a person's own."""
    from matching.scenario import Inburgeraar

    unknown = sorted(set(fields) - set(AS_REFERRED_FIELDS))
    if unknown:
        yield [*path, unknown[0]], "unknown field"
        return
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
    yield from _person_errors(path, Inburgeraar(id="as_referred", **values), partners)


def check_scenario(scenario, doc=None):
    """Check what a schema cannot: references, duplicates, ranges, postcodes.

    Also checks vocabulary values, so that a scenario built from Python
    objects gets the same messages as one read from JSON.

    Parameters
    ----------
    scenario : Scenario
    doc : dict, optional
        The document the scenario was read from; when given, the error that
        comes first in it is reported, else the first in object order.

    Raises
    ------
    ScenarioError

    Examples
    --------
    >>> import datetime as dt
    >>> from matching.scenario import Offer, Scenario
    >>> check_scenario(Scenario(reference_date=dt.date(2026, 1, 1), partners=[],
    ...     offers=[Offer(id="o1", partner_id="p9", domain="taal", capacity=1)],
    ...     inburgeraars=[]))
    Traceback (most recent call last):
    ...
    matching.errors.ScenarioError: offers[0].partner_id: 'p9' is not a partner
    """
    errors = _semantic_errors(scenario)
    if doc is None:
        first = next(errors, None)
    else:
        first = min(errors, key=lambda e: _position(doc, e[0]), default=None)
    if first is not None:
        raise ScenarioError(format_path(first[0]), first[1])
