"""Import organizations and services from HSDS 3.1 JSON into partners and offers.

All or nothing: every record is validated against the HSDS schemas and the
Wegwijs rules first; one problem anywhere and nothing is written, and each
problem names its file, the record's index in that file and the field. Then
everything is written in one transaction. Idempotent: records are matched
by id (``Partner.uuid``, ``Offer.uuid``), so importing twice changes nothing.

A file holds one organization or service, a list of them, or an HSDS page
(``contents``); an organization's ``services`` and a service's
``organization`` are read too, and a service_at_location yields its
service. Other HSDS objects (taxonomies, locations alone) are skipped. The
same id met more than once is one record: the first non-empty value of each
field wins.

Mapping back (the inverse of the HSDS export, see docs/hsds.md):

- organization → Partner. Kind from a "Wegwijs soorten partners" term, else
  ``overig`` (an existing partner keeps its kind). Gemeente and postcode
  from the first location in the U16: a ``PC4`` or ``CBS-gemeentecode``
  external identifier, or a Dutch address's postal code. A Dutch postcode
  outside the U16 is an error. An organization with no Dutch location (such
  as HSDS's own examples) goes to ``default_gemeente``, or is an error
  without one.
- service → Offer. Domain and kind from Wegwijs terms (domain else
  ``default_domain``, or an error); levels, leerroutes, sectors and the like
  from "Wegwijs kenmerken" attributes; ages, languages as given; day parts
  from the schedules' days and hours; capacity from the ``maximum`` (else
  ``available``) of the capacity counted in the Wegwijs unit "plaats" (none:
  0 places); the place from its service_at_location, else its organization's.
  A status other than ``active`` closes the offer (an import never reopens), and
  so does a deactivated partner (it takes no referrals).
"""

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import places
from models.coalition import Offer, Partner
from models.errors import DomainError
from models.geography import Gemeente, Postcode
from models.hsds_schema import validator
from models.hsds_vocabulary import (
    DAYPART_SPANS,
    DAYPARTS,
    DOMAIN_TERMS,
    FEATURE_TERMS,
    OFFER_KIND_TERMS,
    PARTNER_KIND_TERMS,
    PLACE_UNIT,
    organization_description,
)
from models.offers import offer_errors
from models.under_way import domain_move_errors
from models.vocabulary import DOMAINS, LEERROUTES, LEVELS

ORGANIZATION_FIELDS = set(validator("organization.json").schema["properties"]) | {"services"}
DUTCH_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})?\s*$")
WEEKEND_DAYS = {"SA", "SU"}
WEEKDAYS = {"MO", "TU", "WE", "TH", "FR"}
# What the directory publishes for a mentor's offer in the project's name (web/hsds/documents.py).
PUBLISHED_FOR_A_MENTOR = {"title", "description", "postcode", "lat", "lon"}


@dataclass(frozen=True)
class SourceFile:
    name: str
    data: Any


@dataclass(frozen=True, order=True)
class ImportProblem:
    file: str
    index: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} [{self.index}] {self.field}: {self.message}"


class HsdsImportError(DomainError):
    """The import was refused whole; ``problems`` says where and why."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__(f"Niets geïmporteerd: {len(problems)} fout(en) in de HSDS-gegevens.")
        self.problems = sorted(set(problems))


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=lambda: {"organisaties": 0, "diensten": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"organisaties": 0, "diensten": 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {"organisaties": 0, "diensten": 0})
    skipped: list[str] = field(default_factory=list)


def read_hsds_path(path: Path) -> list[SourceFile]:
    """The JSON files at ``path``: one file, or every ``*.json`` in a folder (sorted)."""
    paths = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    files, problems = [], []
    for each in paths:
        name = str(each.relative_to(path)) if path.is_dir() else each.name
        try:
            files.append(SourceFile(name, json.loads(each.read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(ImportProblem(name, 0, "(bestand)", f"Geen leesbare JSON: {error}"))
    if problems:
        raise HsdsImportError(problems)
    return files


def import_hsds(
    session: Session,
    files: list[SourceFile],
    *,
    default_gemeente: str | None = None,
    default_domain: str | None = None,
) -> ImportResult:
    """Validate every record, then write them all (the caller's unit of work commits or not)."""
    result = ImportResult()
    collected = _Collector()
    for source in files:
        collected.read_file(source, result.skipped)
    mapper = _Mapper(session, collected, default_gemeente, default_domain)
    if default_domain is not None and default_domain not in DOMAINS:
        mapper.problems.append(ImportProblem(
            "(opdracht)", 0, "--domein", f"Onbekend domein {default_domain!r}."))
    if default_gemeente is not None and mapper.default_gemeente is None:
        mapper.problems.append(ImportProblem(
            "(opdracht)", 0, "--gemeente", f"Geen gemeente van de U16: {default_gemeente!r}."))
    partners = [mapper.partner(record) for record in collected.organizations.values()]
    offers = [mapper.offer(record) for record in collected.services.values()]
    if collected.problems or mapper.problems:
        raise HsdsImportError(collected.problems + mapper.problems)
    try:
        _write(session, partners, offers, result)
    except IntegrityError as error:
        refused = f"De database weigert de gegevens: {error.orig}"
        raise HsdsImportError([ImportProblem("(database)", 0, "(record)", refused)]) from error
    return result


@dataclass
class _Record:
    """One organization or service, merged over every place it occurs."""

    data: dict
    origin: dict[str, tuple[str, int, str]]  # field → (file, index, path of the record)
    organization_id: str | None = None
    location: dict | None = None

    def merge(self, data: dict, where: tuple[str, int, str]) -> None:
        for key, value in data.items():
            if self.data.get(key) in (None, "", []):
                self.data[key] = value
                self.origin[key] = where

    def where(self, path: str) -> tuple[str, int, str]:
        file, index, prefix = self.origin.get(path.split("/")[0]) or self.origin["id"]
        return file, index, f"{prefix}{path}"


class _Collector:
    """Finds organizations and services in the files and checks them against the schemas."""

    def __init__(self):
        self.organizations: dict[str, _Record] = {}
        self.services: dict[str, _Record] = {}
        self.problems: list[ImportProblem] = []

    def read_file(self, source: SourceFile, skipped: list[str]) -> None:
        data = source.data
        if isinstance(data, dict) and isinstance(data.get("contents"), list):
            items = data["contents"]
        elif isinstance(data, list):
            items = data
        else:
            items = [data]
        for index, item in enumerate(items):
            if not self._read_item(source.name, index, item):
                skipped.append(f"{source.name} [{index}]: geen organisatie of dienst")

    def _read_item(self, file: str, index: int, item) -> bool:
        if not isinstance(item, dict):
            return False
        if "status" in item:
            self._service(file, index, "", item)
        elif isinstance(item.get("service"), dict):
            self._service(file, index, "service/", item["service"], location=item.get("location"))
        elif "name" in item and set(item) <= ORGANIZATION_FIELDS:
            self._organization(file, index, "", item)
        else:
            return False
        return True

    def _organization(self, file, index, path, item: dict) -> None:
        if not self._valid(file, index, path, item, "organization.json"):
            return
        own = {key: value for key, value in item.items() if key != "services"}
        self._record(self.organizations, own, (file, index, path))
        for i, service in enumerate(item.get("services") or []):
            if isinstance(service, dict):
                self._service(file, index, f"{path}services/{i}/", service,
                              organization_id=item["id"])

    def _service(self, file, index, path, item: dict, organization_id=None, location=None) -> None:
        if not self._valid(file, index, path, item, "service.json"):
            return
        record = self._record(self.services, item, (file, index, path))
        nested = item.get("organization")
        if isinstance(nested, dict):
            self._organization(file, index, f"{path}organization/", nested)
            organization_id = nested["id"]
        record.organization_id = (
            record.organization_id or item.get("organization_id") or organization_id
        )
        if location and not record.location:
            record.location = location

    def _record(self, records: dict, item: dict, where) -> _Record:
        record = records.get(item["id"])
        if record is None:
            record = records[item["id"]] = _Record({}, {})
        record.merge(item, where)
        return record

    def _valid(self, file, index, path, item, schema_name) -> bool:
        errors = list(validator(schema_name).iter_errors(item))
        for error in errors:
            self.problems.append(ImportProblem(file, index, path + _field(error), error.message))
        return not errors


def _field(error) -> str:
    parts = [str(part) for part in error.absolute_path]
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        parts += missing[:1]
    return "/".join(parts) or "(record)"


@dataclass
class _PartnerSpec:
    uuid: UUID
    fields: dict
    kind: str | None


@dataclass
class _OfferSpec:
    uuid: UUID
    partner_uuid: UUID
    fields: dict
    closed: bool
    origin: tuple[str, int, str]  # where its capacity was read, for a problem


class _Mapper:
    """Wegwijs rules on the schema-valid records; collects problems, writes nothing."""

    def __init__(self, session, collected: _Collector, default_gemeente, default_domain):
        self.session = session
        self.problems: list[ImportProblem] = []
        self.postcodes = {p.pc4: p for p in session.scalars(select(Postcode))}
        self.gemeenten = {g.cbs_code: g for g in session.scalars(select(Gemeente))}
        by_name = {g.name.casefold(): g for g in self.gemeenten.values()}
        self.default_gemeente = by_name.get((default_gemeente or "").casefold())
        self.default_domain = default_domain
        self.collected = collected
        wanted = [UUID(id_) for id_ in {r.organization_id for r in collected.services.values()}
                  if id_ and id_ not in collected.organizations]
        self.existing_partners = {
            str(p.uuid): p for p in session.scalars(select(Partner).where(Partner.uuid.in_(wanted)))
        } if wanted else {}
        self.places: dict[str, tuple[Postcode | None, Gemeente]] = {}

    def problem(self, record: _Record, path: str, message: str) -> None:
        self.problems.append(ImportProblem(*record.where(path), message))

    def partner(self, record: _Record) -> _PartnerSpec:
        data = record.data
        place = None
        for i, location in enumerate(data.get("locations") or []):
            found = self._place(record, f"locations/{i}/", location)
            place = place or found
        if place is None and self.default_gemeente is not None:
            place = (None, self.default_gemeente)
        if place is None:
            self.problem(record, "locations", "Geen locatie in de regio Utrecht (U16): geef een "
                         "postcode in de U16 of kies een gemeente met --gemeente.")
            place = (None, None)
        self.places[data["id"]] = place
        postcode, gemeente = place
        kind = _term_code(data, PARTNER_KIND_TERMS)
        return _PartnerSpec(UUID(data["id"]), {
            "name": self._text(record, "name", required=True),
            "description": data.get("description") or None,
            "gemeente": gemeente,
            "postcode": postcode.pc4 if postcode else None,
            "lat": postcode.lat if postcode else None,
            "lon": postcode.lon if postcode else None,
        }, kind)

    def offer(self, record: _Record) -> _OfferSpec:
        data = record.data
        organization_id = record.organization_id
        if organization_id in self.collected.organizations:
            place = self.places[organization_id]
        elif organization_id in self.existing_partners:
            partner = self.existing_partners[organization_id]
            place = (self.postcodes.get(partner.postcode or ""), partner.gemeente)
        else:
            self.problem(record, "organization_id",
                         "Onbekende organisatie: neem de organisatie op in de import.")
            place = (None, None)
        for i, at in enumerate(data.get("service_at_locations") or []):
            if isinstance(at.get("location"), dict):
                place = self._place(record, f"service_at_locations/{i}/location/",
                                    at["location"]) or place
                break
        if record.location:
            place = self._place(record, "location/", record.location) or place
        domain = _term_code(data, DOMAIN_TERMS) or self.default_domain
        if domain is None:
            self.problem(record, "attributes", "Geen Wegwijs-domein: voeg een term uit 'Wegwijs "
                         "domeinen' toe of kies een domein met --domein.")
        fields = {
            "title": self._text(record, "name", required=True),
            "description": data.get("description") or None,
            "domain": domain,
            "kind": _term_code(data, OFFER_KIND_TERMS),
            "capacity": self._capacity(record),
            "postcode": place[0].pc4 if place[0] else None,
            "lat": (place[0] or place[1]).lat if place[1] else None,
            "lon": (place[0] or place[1]).lon if place[1] else None,
            "languages": _languages(data),
            "schedule": _dayparts(data.get("schedules") or []),
            "min_age": self._age(record, "minimum_age"),
            "max_age": self._age(record, "maximum_age"),
        }
        if data.get("last_modified"):
            fields["updated_at"] = _moment(data["last_modified"])
        fields |= self._features(record)
        return _OfferSpec(UUID(data["id"]), UUID(organization_id) if organization_id else None,
                          fields, data["status"] != "active", record.where("capacities"))

    def _place(self, record, path, location: dict):
        """A location's (postcode, gemeente) in the U16; None when it is not Dutch."""
        kind, code = location.get("external_identifier_type"), location.get("external_identifier")
        if kind == "PC4":
            return self._postcode(record, f"{path}external_identifier", code or "")
        if kind == "CBS-gemeentecode":
            if code in self.gemeenten:
                return None, self.gemeenten[code]
            self.problem(record, f"{path}external_identifier",
                         f"Gemeente {code} hoort niet bij de regio Utrecht (U16).")
            return None
        for j, address in enumerate(location.get("addresses") or []):
            if (address.get("country") or "NL").strip().upper() not in ("NL", "NLD"):
                continue
            if DUTCH_POSTCODE.match(address.get("postal_code") or ""):
                return self._postcode(
                    record, f"{path}addresses/{j}/postal_code", address["postal_code"])
        return None

    def _postcode(self, record, path, text: str):
        match = DUTCH_POSTCODE.match(text)
        if match is None:
            self.problem(record, path, f"Geen Nederlandse postcode: {text!r}.")
            return None
        postcode = self.postcodes.get(match.group(1))
        if postcode is None:
            self.problem(record, path,
                         f"Postcode {match.group(1)} ligt buiten de regio Utrecht (U16).")
            return None
        return postcode, postcode.gemeente

    def _text(self, record, key, required=False, limit=200) -> str | None:
        value = (record.data.get(key) or "").strip()
        if required and not value:
            self.problem(record, key, f"{key} mag niet leeg zijn.")
        if len(value) > limit:
            self.problem(record, key, f"{key} is langer dan {limit} tekens.")
        return value or None

    def _age(self, record, key) -> int | None:
        value = record.data.get(key)
        if value is None:
            return None
        if value != int(value):
            self.problem(record, key, f"{key} moet een leeftijd in hele jaren zijn.")
            return None
        return int(value)

    def _capacity(self, record) -> int:
        for i, capacity in enumerate(record.data.get("capacities") or []):
            unit = capacity.get("unit") or {}
            if PLACE_UNIT["id"] not in (unit.get("id"), capacity.get("unit_id")) and \
                    unit.get("identifier") != PLACE_UNIT["identifier"]:
                continue
            key = "maximum" if capacity.get("maximum") is not None else "available"
            value = capacity[key]
            if value != int(value) or value < 0:
                self.problem(record, f"capacities/{i}/{key}",
                             "Het aantal plaatsen moet een geheel getal van 0 of meer zijn.")
                return 0
            return int(value)
        return 0

    def _features(self, record) -> dict:
        values: dict[str, list[tuple[int, str]]] = {}
        for i, attribute in enumerate(record.data.get("attributes") or []):
            term = _term_of(attribute, FEATURE_TERMS)
            if term:
                values.setdefault(term, []).append((i, str(attribute.get("value") or "")))

        def one(code, allowed=None):
            for i, value in values.get(code, [])[:1]:
                if allowed is not None and value not in allowed:
                    self.problem(record, f"attributes/{i}/value",
                                 f"{value!r} is geen geldige waarde voor {code}.")
                    return None
                return value
            return None

        routes = []
        for i, value in values.get("leerroute", []):
            if value not in LEERROUTES:
                self.problem(record, f"attributes/{i}/value", f"Onbekende leerroute {value!r}.")
            elif value not in routes:
                routes.append(value)
        fields = {
            "min_level": one("min_niveau", LEVELS),
            "max_level": one("max_niveau", LEVELS),
            "leerroutes": routes,
            "women_only": one("alleen_vrouwen") == "ja",
            "childcare": one("kinderopvang") == "ja",
            "alfa": one("alfabetisering") == "ja",
            "sectors": [value for _i, value in values.get("sector", []) if value],
            "hours_per_week": self._parsed(record, values, "uren_per_week", float),
            "start": self._parsed(record, values, "startdatum", date.fromisoformat),
        }
        return fields

    def _parsed(self, record, values, code, parse):
        for i, value in values.get(code, [])[:1]:
            try:
                return parse(value)
            except ValueError:
                self.problem(record, f"attributes/{i}/value",
                             f"{value!r} is geen geldige waarde voor {code}.")
        return None



def _term_of(attribute: dict, terms: dict) -> str | None:
    """The Wegwijs code of an attribute's term, if it is one of ``terms``."""
    term_id = attribute.get("taxonomy_term_id") or (attribute.get("taxonomy_term") or {}).get("id")
    for code, term in terms.items():
        if term.id == term_id:
            return code
    return None


def _term_code(data: dict, terms: dict) -> str | None:
    for attribute in data.get("attributes") or []:
        if code := _term_of(attribute, terms):
            return code
    return None


def _languages(data: dict) -> list[str]:
    codes = []
    for language in data.get("languages") or []:
        code = (language.get("code") or "").strip().lower()
        if code and code not in codes:
            codes.append(code)
    return codes


def _dayparts(schedules: list[dict]) -> list[str]:
    """Day parts a set of HSDS schedules touches: by days of the week and opening hours."""
    found = set()
    for schedule in schedules:
        days = {re.sub(r"^[+-]?\d*", "", day.strip()) for day in
                (schedule.get("byday") or "").split(",") if day.strip()}
        if days & WEEKEND_DAYS:
            found.add("weekend")
        if days and not days & WEEKDAYS:
            continue
        opens, closes = _hour(schedule.get("opens_at")), _hour(schedule.get("closes_at"))
        if opens is None or closes is None:
            continue
        found |= {part for part, (start, end) in DAYPART_SPANS.items()
                  if opens < end and closes > start}
    return [part for part in DAYPARTS if part in found]


def _hour(text: str | None) -> float | None:
    match = re.match(r"^(\d{1,2}):(\d{2})", text or "")
    return int(match.group(1)) + int(match.group(2)) / 60 if match else None


def _moment(text: str) -> datetime:
    """An RFC 3339 date-time (checked by the schema), as an aware datetime."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _write(session: Session, partners: list[_PartnerSpec], offers: list[_OfferSpec], result):
    uuids = [spec.uuid for spec in partners]
    existing = {p.uuid: p for p in session.scalars(_locked_partners(Partner.uuid.in_(uuids)))}
    by_uuid: dict[UUID, Partner] = {}
    for spec in partners:
        partner = existing.get(spec.uuid)
        new = partner is None
        if new:
            partner = Partner(uuid=spec.uuid, kind=spec.kind or "overig", languages=[])
            session.add(partner)
        elif spec.kind:
            partner.kind = spec.kind
        for key, value in spec.fields.items():
            if key == "description" and value == organization_description(
                    partner.kind, getattr(spec.fields["gemeente"], "name", None)):
                value = None  # the directory's stand-in for none
            setattr(partner, key, value)
        _count(result, "organisaties", new, session.is_modified(partner))
        by_uuid[spec.uuid] = partner
    session.flush()
    wanted = {spec.partner_uuid for spec in offers} - set(by_uuid)
    if wanted:
        found = session.scalars(_locked_partners(Partner.uuid.in_(wanted)))
        by_uuid |= {p.uuid: p for p in found}
    offer_uuids = [spec.uuid for spec in offers]
    # Locked, as models.places locks them: no referral takes a place while capacity changes.
    existing_offers = {
        o.uuid: o
        for o in session.scalars(
            select(Offer).where(Offer.uuid.in_(offer_uuids)).order_by(Offer.id).with_for_update()
        )
    }
    problems = [
        ImportProblem(*spec.origin, error["message"])
        for spec in offers
        if spec.uuid in existing_offers
        for error in places.capacity_errors(session, existing_offers[spec.uuid],
                                            spec.fields["capacity"])
    ]
    problems += [
        ImportProblem(spec.origin[0], spec.origin[1], error["field"], error["message"])
        for spec in offers
        if spec.uuid in existing_offers
        for error in domain_move_errors(session, existing_offers[spec.uuid],
                                        spec.fields.get("domain"))
    ]
    # The rules of models.offers, as for an offer posted through the API or the portal: the
    # order of levels and ages and the ranges are checked there, once.
    problems += [
        ImportProblem(spec.origin[0], spec.origin[1], error["field"], error["message"])
        for spec in offers
        for error in offer_errors(
            session, _offer_values(spec), by_uuid[spec.partner_uuid].kind or "overig"
        )
    ]
    if problems:
        raise HsdsImportError(problems)
    for spec in offers:
        offer = existing_offers.get(spec.uuid)
        new = offer is None
        if new:
            offer = places.add_offer(session, uuid=spec.uuid, partner=by_uuid[spec.partner_uuid],
                                     **spec.fields)
        else:
            # The directory publishes a mentor's service under its maatjesproject, at the
            # project's place and with a title and text that name no one (a mentor is a
            # person): read back, those stand-ins change nothing of the mentor's offer.
            by_mentor = offer.partner.kind == "mentor"
            if not by_mentor:
                offer.partner = by_uuid[spec.partner_uuid]
            for key, value in spec.fields.items():
                if key == "updated_at" and _same_time(offer.updated_at, value):
                    continue
                if by_mentor and key in PUBLISHED_FOR_A_MENTOR:
                    continue
                if key != "capacity":  # an existing offer's places move through places
                    setattr(offer, key, value)
        changed = session.is_modified(offer)
        if not new and offer.capacity != spec.fields["capacity"]:
            places.set_capacity(session, offer_id=offer.id, capacity=spec.fields["capacity"])
            changed = True
        # A deactivated partner takes no referrals: its service arrives closed, as the API
        # refuses to open one for it (and an import never reopens).
        if (spec.closed or not offer.partner.active) and offer.closed_at is None:
            # Closed through the writer of places: its queue is skipped, not left waiting.
            session.flush()
            places.close_offer(session, offer_id=offer.id)
            changed = True
        _count(result, "diensten", new, changed)
    session.flush()


def _locked_partners(where):
    """The partners, locked and read afresh: a deactivation (which locks the partner, then
    closes its offers) either committed before, and the import sees it, or waits for the
    import, and then closes the offers it wrote."""
    return (select(Partner).where(where).order_by(Partner.id).with_for_update()
            .execution_options(populate_existing=True))


def _offer_values(spec: _OfferSpec) -> dict:
    return {key: value for key, value in spec.fields.items() if key != "updated_at"}


def _same_time(stored: datetime, given: datetime) -> bool:
    """SQLite hands back naive UTC datetimes; compare them as UTC, to the second (the
    directory publishes whole seconds)."""
    stored = stored if stored.tzinfo else stored.replace(tzinfo=UTC)
    return stored.replace(microsecond=0) == given.replace(microsecond=0)


def _count(result: ImportResult, what: str, new: bool, changed: bool) -> None:
    if new:
        result.created[what] += 1
    elif changed:
        result.updated[what] += 1
    else:
        result.unchanged[what] += 1
