"""Partners and offers as HSDS 3.1 documents (organization, service, location, ...).

Flask-free: it turns what ``Directory`` publishes into plain dicts. A list
shows an object's one-to-one fields (plus its organization, as HSDS's own
examples do); ``full`` nests everything. Wegwijs properties HSDS has no field
for (levels, leerroutes, sectors, ...) travel as attributes with a term of
the Wegwijs taxonomies, so that ``models.hsds_import`` can read them back.
"""

from datetime import UTC, datetime

from models import Offer, Partner
from models.hsds_vocabulary import (
    DAYPARTS,
    DOMAIN_TERMS,
    FEATURE_TERMS,
    LANGUAGE_NAMES,
    OFFER_KIND_TERMS,
    PARTNER_KIND_TERMS,
    PLACE_UNIT,
    Term,
    organization_description,
    stable_id,
)
from web.hsds.directory import Directory, Place, Service

HSDS_VERSION = "3.1"
APPLICATION_PROCESS = (
    "Aanmelden gaat via de klantmanager inburgering van de eigen gemeente, die verwijst "
    "via Wegwijs."
)
CAPACITY_DESCRIPTION = (
    "Vrije plaatsen: het totaal aantal plaatsen min de plaatsen die verwijzingen nu vasthouden."
)
LEERROUTE_NAMES = {"b1": "B1-route", "onderwijs": "onderwijsroute", "z": "Z-route"}


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC to the second (SQLite returns naive UTC datetimes)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def organization_document(
    directory: Directory, partner: Partner, *, full: bool = False, full_service: bool = False
) -> dict:
    doc = {
        "id": str(partner.uuid),
        "name": partner.name,
        "description": partner.description or _organization_description(partner),
    }
    if not (full or full_service):
        return doc
    doc["attributes"] = [_attribute(doc["id"], "organization", PARTNER_KIND_TERMS[partner.kind])]
    doc["locations"] = [
        location_document(partner, place) for place in directory.places_of_organization(partner)
    ]
    doc["services"] = [
        service_document(service, full=full_service, with_organization=False)
        for service in directory.services_of(partner)
    ]
    return doc


def service_document(
    service: Service, *, full: bool = False, with_organization: bool = True
) -> dict:
    offer = service.offer
    service_id = str(offer.uuid)
    doc = {
        "id": service_id,
        "organization_id": str(service.organization.uuid),
        "name": _service_name(service),
        "status": "active",
        "application_process": APPLICATION_PROCESS,
        "eligibility_description": eligibility_description(offer),
        "last_modified": timestamp(offer.updated_at),
    }
    description = _service_description(service)
    if description:
        doc["description"] = description
    if offer.min_age is not None:
        doc["minimum_age"] = offer.min_age
    if offer.max_age is not None:
        doc["maximum_age"] = offer.max_age
    if with_organization:
        doc["organization"] = {
            "id": str(service.organization.uuid),
            "name": service.organization.name,
            "description": service.organization.description
            or _organization_description(service.organization),
        }
    if not full:
        return doc
    doc["languages"] = [
        {"id": stable_id("language", service_id, code), "service_id": service_id,
         "code": code, "name": LANGUAGE_NAMES.get(code, code)}
        for code in offer.languages
    ]
    doc["schedules"] = [
        _schedule(service_id, daypart) for daypart in DAYPARTS if daypart in offer.schedule
    ]
    doc["capacities"] = [{
        "id": stable_id("capacity", service_id),
        "service_id": service_id,
        "unit": PLACE_UNIT,
        "available": service.free_places,
        "maximum": offer.capacity,
        "description": CAPACITY_DESCRIPTION,
        "updated": timestamp(service.capacity_updated),
    }]
    doc["attributes"] = [
        _attribute(service_id, "service", term, value) for term, value in _service_terms(offer)
    ]
    doc["service_at_locations"] = [
        service_at_location_document(service, full=False, with_service=False)
    ]
    return doc


def service_at_location_document(
    service: Service, *, full: bool = False, with_service: bool = True
) -> dict:
    service_id = str(service.offer.uuid)
    location = location_document(service.organization, service.place)
    doc = {
        "id": stable_id("service_at_location", service_id),
        "service_id": service_id,
        "location_id": location["id"],
        "location": location,
    }
    if with_service:
        doc["service"] = service_document(service, full=full)
    return doc


def location_document(organization: Partner, place: Place) -> dict:
    doc = {
        "id": stable_id("location", organization.uuid, place.key),
        "location_type": "physical",
        "organization_id": str(organization.uuid),
    }
    if place.postcode:
        postcode = place.postcode
        doc |= {
            "name": f"Omgeving postcode {postcode.pc4}, {postcode.place}",
            "description": (
                f"Het midden van postcodegebied {postcode.pc4} in gemeente "
                f"{place.gemeente.name}. Wegwijs publiceert geen straatadressen."
            ),
            "latitude": postcode.lat,
            "longitude": postcode.lon,
            "external_identifier": postcode.pc4,
            "external_identifier_type": "PC4",
        }
    else:
        doc |= {
            "name": f"Gemeente {place.gemeente.name}",
            "description": f"Het midden van gemeente {place.gemeente.name}.",
            "latitude": place.gemeente.lat,
            "longitude": place.gemeente.lon,
            "external_identifier": place.gemeente.cbs_code,
            "external_identifier_type": "CBS-gemeentecode",
        }
    return doc


def service_term_ids(offer: Offer) -> set[str]:
    """The taxonomy terms a service carries, for the ``taxonomy_term_id`` filter."""
    return {term.id for term, _value in _service_terms(offer)}


def eligibility_description(offer: Offer) -> str:
    """Who can take part, in Dutch, from the offer's eligibility rules."""
    parts = []
    if offer.min_level and offer.max_level:
        parts.append(f"Taalniveau {offer.min_level} tot en met {offer.max_level}.")
    elif offer.min_level:
        parts.append(f"Taalniveau {offer.min_level} of hoger.")
    elif offer.max_level:
        parts.append(f"Taalniveau tot en met {offer.max_level}.")
    if offer.leerroutes:
        names = [LEERROUTE_NAMES.get(route, route) for route in offer.leerroutes]
        parts.append(f"Voor de {_join(names)}.")
    if offer.min_age is not None and offer.max_age is not None:
        parts.append(f"Leeftijd {offer.min_age} tot en met {offer.max_age} jaar.")
    elif offer.min_age is not None:
        parts.append(f"Vanaf {offer.min_age} jaar.")
    elif offer.max_age is not None:
        parts.append(f"Tot en met {offer.max_age} jaar.")
    if offer.women_only:
        parts.append("Alleen voor vrouwen.")
    if offer.alfa:
        parts.append("Voor wie leert lezen en schrijven in het Latijnse schrift.")
    if not parts:
        parts.append("Voor alle inburgeraars in de regio Utrecht.")
    return " ".join(parts)


def _service_terms(offer: Offer) -> list[tuple[Term, str | None]]:
    terms: list[tuple[Term, str | None]] = [(DOMAIN_TERMS[offer.domain], None)]
    if offer.kind:
        terms.append((OFFER_KIND_TERMS[offer.kind], None))
    features = FEATURE_TERMS
    if offer.min_level:
        terms.append((features["min_niveau"], offer.min_level))
    if offer.max_level:
        terms.append((features["max_niveau"], offer.max_level))
    terms += [(features["leerroute"], route) for route in offer.leerroutes]
    if offer.women_only:
        terms.append((features["alleen_vrouwen"], "ja"))
    if offer.childcare:
        terms.append((features["kinderopvang"], "ja"))
    if offer.alfa:
        terms.append((features["alfabetisering"], "ja"))
    terms += [(features["sector"], sector) for sector in offer.sectors]
    if offer.hours_per_week is not None:
        terms.append((features["uren_per_week"], f"{offer.hours_per_week:g}"))
    if offer.start:
        terms.append((features["startdatum"], offer.start.isoformat()))
    return terms


def _attribute(owner_id: str, entity: str, term: Term, value: str | None = None) -> dict:
    doc = {
        "id": stable_id("attribute", owner_id, term.id, value or ""),
        "link_id": owner_id,
        "link_entity": entity,
        "taxonomy_term_id": term.id,
        "taxonomy_term": term.document(),
        "label": term.name,
    }
    if value is not None:
        doc["value"] = value
    return doc


def _schedule(service_id: str, daypart: str) -> dict:
    hours = DAYPARTS[daypart]
    return {
        "id": stable_id("schedule", service_id, daypart),
        "service_id": service_id,
        "freq": "WEEKLY",
        "interval": 1,
        "byday": hours.byday,
        "opens_at": hours.opens_at,
        "closes_at": hours.closes_at,
        "description": hours.description,
        "notes": "Dagdeel als indicatie; de precieze tijden spreekt de partner af.",
    }


def _service_name(service: Service) -> str:
    """A mentor's own title is free text that may name them: it is not published."""
    if not service.by_mentor:
        return service.offer.title
    kind = OFFER_KIND_TERMS[service.offer.kind].name if service.offer.kind else "Begeleiding"
    return f"{kind} door een ervaringsdeskundige"


def _service_description(service: Service) -> str | None:
    if not service.by_mentor:
        return service.offer.description
    return (
        f"Een vrijwillige mentor van {service.organization.name}, zelf ooit nieuw in "
        "Nederland. Wegwijs publiceert geen namen van mentoren."
    )


def _organization_description(partner: Partner) -> str:
    return organization_description(partner.kind, partner.gemeente.name)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en " + words[-1]
