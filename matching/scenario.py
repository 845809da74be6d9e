"""The scenario: partners, offers, inburgeraars and history as dataclasses.

A :class:`Scenario` can be read from the JSON format of ``contract/scenario.schema.json``
(:func:`read_scenario`, :func:`load_scenario`) or built directly from Python
objects by a caller that has its own store, such as the web app.
"""

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from matching.collector import gc_paused
from matching.errors import ScenarioError
from matching.validation import check_scenario, integer_fields, validate_document

__all__ = [
    "DEFAULT_MAX_TRAVEL_KM",
    "HistoryEntry",
    "Inburgeraar",
    "Offer",
    "Partner",
    "Scenario",
    "load_scenario",
    "read_scenario",
]

DEFAULT_MAX_TRAVEL_KM = 15.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Partner:
    """A coalition member; ``ties`` are the ids of partners it works with."""

    id: str
    kind: str
    name: str | None = None
    gemeente: str | None = None
    postcode: str | None = None
    lat: float | None = None
    lon: float | None = None
    languages: Sequence[str] = ()
    ties: Sequence[str] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Offer:
    """Places a partner posts; ``capacity`` is the number still free now."""

    id: str
    partner_id: str
    domain: str
    capacity: int
    title: str | None = None
    kind: str | None = None
    postcode: str | None = None
    lat: float | None = None
    lon: float | None = None
    min_level: str | None = None
    max_level: str | None = None
    leerroutes: Sequence[str] = ()
    schedule: Sequence[str] = ()
    languages: Sequence[str] = ()
    women_only: bool = False
    childcare: bool = False
    min_age: int | None = None
    max_age: int | None = None
    sectors: Sequence[str] = ()
    hours_per_week: float | None = None
    start: str | None = None
    description: str | None = None
    alfa: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Inburgeraar:
    """A newcomer, pseudonymous; ``needs`` maps a domain to a weight > 0."""

    id: str
    needs: Mapping[str, float] = field(default_factory=dict)
    gemeente: str | None = None
    postcode: str | None = None
    lat: float | None = None
    lon: float | None = None
    gender: str | None = None
    birth_year: int | None = None
    arrived_on: str | None = None
    languages: Sequence[str] = ()
    level: str | None = None
    leerroute: str | None = None
    education: str | None = None
    availability: Sequence[str] = ()
    childcare_needed: bool = False
    max_travel_km: float | None = None
    sectors: Sequence[str] = ()
    mentor_id: str | None = None
    goals: str | None = None
    latin_literate: bool | None = None
    duaal: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    """An earlier referral of an inburgeraar to an offer, with its outcome."""

    inburgeraar_id: str
    offer_id: str
    outcome: str
    referred_on: str | None = None
    reason_code: str | None = None
    # The person's fields as they were when referred (the contract's `as_referred`).
    as_referred: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """Everything the engine matches over.

    Examples
    --------
    >>> import datetime as dt
    >>> s = Scenario(reference_date=dt.date(2026, 11, 24),
    ...              partners=[Partner(id="p1", kind="taalschool")],
    ...              offers=[Offer(id="o1", partner_id="p1", domain="taal", capacity=3,
    ...                            postcode="3512")],
    ...              inburgeraars=[Inburgeraar(id="i1", needs={"taal": 2}, postcode="3561")])
    >>> len(s.offers)
    1
    """

    reference_date: dt.date
    partners: Sequence[Partner]
    offers: Sequence[Offer]
    inburgeraars: Sequence[Inburgeraar]
    history: Sequence[HistoryEntry] = ()
    version: int = 1
    # Expected arrivals (the contract's `forecast`); never ranked nor assigned.
    forecast: Sequence[Inburgeraar] = ()


def _build(cls, obj, kind):
    # Schema-valid objects carry only known fields; JSON lists become tuples. JSON Schema's
    # "integer" takes 2.0 too: the schema's integer fields are read as the int they are.
    whole = integer_fields(kind)
    return cls(**{k: tuple(v) if isinstance(v, list) else
                  int(v) if k in whole and isinstance(v, float) and v.is_integer() else v
                  for k, v in obj.items()})


def load_scenario(doc):
    """Validate a parsed scenario document and build the :class:`Scenario`.

    Parameters
    ----------
    doc : object
        The document as :func:`json.load` returns it.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        For the first error in document order, naming object and field.

    Examples
    --------
    >>> load_scenario({"version": 1, "reference_date": "2026-11-24", "partners": [],
    ...                "offers": [], "inburgeraars": []}).reference_date
    datetime.date(2026, 11, 24)
    """
    validate_document(doc)
    scenario = Scenario(
        version=doc["version"],
        reference_date=dt.date.fromisoformat(doc["reference_date"]),
        partners=tuple(_build(Partner, p, "partner") for p in doc["partners"]),
        offers=tuple(_build(Offer, o, "offer") for o in doc["offers"]),
        inburgeraars=tuple(_build(Inburgeraar, i, "inburgeraar") for i in doc["inburgeraars"]),
        history=tuple(_build(HistoryEntry, h, "referral") for h in doc.get("history", ())),
        forecast=tuple(_build(Inburgeraar, i, "inburgeraar") for i in doc.get("forecast", ())),
    )
    check_scenario(scenario, doc)
    return scenario


def _reject_constant(name):
    raise ValueError(f"{name} is not allowed in JSON")


def read_scenario(source):
    """Read, parse and validate a scenario from a path or an open text file.

    Parameters
    ----------
    source : str, os.PathLike or file object
        A path to a JSON file, or a file object to read.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        When the text is not JSON or the document is not a valid scenario.

    Examples
    --------
    >>> import io
    >>> read_scenario(io.StringIO("[1,"))
    Traceback (most recent call last):
    ...
    matching.errors.ScenarioError: $: not valid JSON: Expecting value (line 1, column 4)
    """
    try:
        if hasattr(source, "read"):
            text = source.read()
        else:
            with open(source, encoding="utf-8") as f:
                text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError("$", f"cannot read: {exc}") from exc
    # A large scenario is a million objects without cycles: the collector would walk them
    # again and again while they are made (a quarter of the reading time).
    with gc_paused():
        try:
            doc = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise ScenarioError("$", f"not valid JSON: {exc.msg} (line {exc.lineno}, "
                                     f"column {exc.colno})") from exc
        except ValueError as exc:
            raise ScenarioError("$", f"not valid JSON: {exc}") from exc
        return load_scenario(doc)
