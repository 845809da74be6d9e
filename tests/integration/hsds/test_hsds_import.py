"""``flask import-hsds``: official examples, all-or-nothing refusal, idempotence, round trip."""

import copy
import json
from pathlib import Path
from uuid import UUID

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

import factories
from conftest import DEMO_PASSWORD, make_test_app
from databases import scratch_database
from models import Offer, Partner
from models.hsds_import import HsdsImportError, SourceFile, import_hsds
from models.hsds_vocabulary import DOMAIN_TERMS, FEATURE_TERMS, OFFER_KIND_TERMS
from models.referral_service import refer
from models.unit_of_work import UnitOfWork
from seeds.demo import load_demo
from seeds.geography import load_geography
from web.extensions import db

EXAMPLES = Path(__file__).resolve().parent / "examples"
EXAMPLE_ORGANIZATION = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"


def counts(session) -> tuple[int, int]:
    return (session.scalar(select(func.count()).select_from(Partner)),
            session.scalar(select(func.count()).select_from(Offer)))


def export(client) -> dict[str, list[dict]]:
    """Every organization and service, fully nested, sorted by id."""
    documents = {}
    for what, query in (("organizations", "full=true&full_service=true"),
                        ("services", "full=true")):
        page = client.get(f"/hsds/{what}?per_page=500&{query}").get_json()
        assert page["last_page"]
        documents[what] = sorted(page["contents"], key=lambda d: d["id"])
    return documents


def test_the_official_examples_import(runner, session):
    result = runner.invoke(args=["import-hsds", str(EXAMPLES), "--gemeente", "Zeist",
                                 "--domein", "gezondheid"])
    assert result.exit_code == 0, result.output
    assert "Organisaties: 1 nieuw" in result.output and "Diensten: 1 nieuw" in result.output
    partner = session.scalars(select(Partner).where(
        Partner.uuid == UUID(EXAMPLE_ORGANIZATION))).one()
    assert (partner.name, partner.kind, partner.gemeente.name) == (
        "Example Organization Inc.", "overig", "Zeist")
    offer = session.scalars(select(Offer).where(Offer.partner_id == partner.id)).one()
    assert str(offer.uuid) == EXAMPLE_SERVICE
    assert (offer.title, offer.domain, offer.min_age, offer.max_age) == (
        "Community Counselling", "gezondheid", 12, 100)
    assert offer.languages == ["ur"]
    # Thursday and Friday 10:00-18:00 touch the morning and the afternoon.
    assert offer.schedule == ["ochtend", "middag"]
    assert offer.capacity == 0  # its capacity is in kilograms, not Wegwijs places

    again = runner.invoke(args=["import-hsds", str(EXAMPLES), "--gemeente", "Zeist",
                                "--domein", "gezondheid"])
    assert again.exit_code == 0, again.output
    assert "Organisaties: 0 nieuw, 0 bijgewerkt, 1 ongewijzigd" in again.output
    assert "Diensten: 0 nieuw, 0 bijgewerkt, 1 ongewijzigd" in again.output


def test_examples_without_a_place_or_domain_are_refused_naming_the_field(runner, session):
    before = counts(session)
    result = runner.invoke(args=["import-hsds", str(EXAMPLES / "service_full.json")])
    assert result.exit_code != 0
    assert "service_full.json [0] organization/locations:" in result.output
    assert "service_full.json [0] attributes: Geen Wegwijs-domein" in result.output
    assert "Niets geïmporteerd" in result.output
    assert counts(session) == before


def test_a_broken_record_is_refused_whole_with_its_file_index_and_field(tmp_path, runner, session):
    page = json.loads((EXAMPLES / "service_list.json").read_text())
    good = page["contents"][0]
    second = copy.deepcopy(good) | {"id": "0b9a1f53-6f1e-4a36-9d53-5c3f6f3b2c11",
                                    "name": "Tweede dienst", "status": "bestaat niet"}
    page["contents"].append(second)
    (tmp_path / "a_services.json").write_text(json.dumps(page))
    organization = json.loads((EXAMPLES / "organization_full.json").read_text())
    organization["locations"][0]["addresses"][0] |= {"postal_code": "1012 AB", "country": "NL"}
    (tmp_path / "b_organization.json").write_text(json.dumps(organization))
    before = counts(session)

    result = runner.invoke(args=["import-hsds", str(tmp_path), "--domein", "taal"])

    assert result.exit_code != 0
    assert "a_services.json [1] status:" in result.output
    assert ("b_organization.json [0] locations/0/addresses/0/postal_code: Postcode 1012 ligt "
            "buiten de regio Utrecht (U16).") in result.output
    assert counts(session) == before


def test_nothing_is_written_when_one_record_of_many_fails(session):
    partner = factories.partner(session, name="Bestaande partner (fictief)")
    good = {"id": "5b1f7f8e-3b8f-4c59-8f0a-0a4c0b3f7e21", "name": "Nieuwe organisatie",
            "description": "x", "locations": [
                {"id": "5b1f7f8e-3b8f-4c59-8f0a-0a4c0b3f7e22", "location_type": "physical",
                 "external_identifier_type": "PC4", "external_identifier": "3563"}]}
    bad_level = {"id": "5b1f7f8e-3b8f-4c59-8f0a-0a4c0b3f7e23", "name": "Cursus",
                 "status": "active", "organization_id": str(partner.uuid), "attributes": [
                     {"id": "5b1f7f8e-3b8f-4c59-8f0a-0a4c0b3f7e24",
                      "taxonomy_term_id": DOMAIN_TERMS["taal"].id},
                     {"id": "5b1f7f8e-3b8f-4c59-8f0a-0a4c0b3f7e25",
                      "taxonomy_term_id": FEATURE_TERMS["min_niveau"].id, "value": "Z9"}]}
    before = counts(session)
    try:
        import_hsds(session, [SourceFile("org.json", good),
                              SourceFile("diensten.json", [bad_level])])
    except HsdsImportError as error:
        assert [str(p) for p in error.problems] == [
            "diensten.json [0] attributes/1/value: 'Z9' is geen geldige waarde voor min_niveau."]
    else:
        raise AssertionError("the import should have been refused")
    assert counts(session) == before

    bad_level["attributes"][1]["value"] = "A1"
    result = import_hsds(session, [SourceFile("org.json", good),
                                   SourceFile("diensten.json", [bad_level])])
    assert result.created == {"organisaties": 1, "diensten": 1}
    offer = session.scalars(select(Offer).where(Offer.partner_id == partner.id)).one()
    assert (offer.domain, offer.min_level, offer.postcode) == ("taal", "A1", "3512")


def test_round_trip_export_import_into_an_empty_database_export_again(
        client, session, database_url, tmp_path):
    load_demo(session, password=DEMO_PASSWORD)
    first = export(client)
    folder = tmp_path / "hsds"
    folder.mkdir()
    for what, documents in first.items():
        (folder / f"{what}.json").write_text(json.dumps(documents, ensure_ascii=False))

    with scratch_database(database_url, tmp_path) as url:
        other = make_test_app(url)
        with other.app_context():
            upgrade()
            load_geography(db.session)
            db.session.remove()
        result = other.test_cli_runner().invoke(args=["import-hsds", str(folder)])
        assert result.exit_code == 0, result.output
        second = export(other.test_client())
        again = other.test_cli_runner().invoke(args=["import-hsds", str(folder)])
        assert "Diensten: 0 nieuw, 0 bijgewerkt" in again.output, again.output
        assert "Organisaties: 0 nieuw, 0 bijgewerkt" in again.output
        with other.app_context():
            db.engine.dispose()

    assert len(second["services"]) == len(first["services"]) > 100
    assert second == first


def test_importing_the_directorys_own_export_moves_no_offer(client, session):
    """A mentor's service is published under its maatjesproject, at its place, with a title
    and text naming no one: read back, the mentor's offer stays as it was."""
    load_demo(session, password=DEMO_PASSWORD)
    columns = (Offer.id, Offer.partner_id, Offer.title, Offer.description, Offer.postcode,
               Offer.lat, Offer.lon, Offer.updated_at)
    offers = session.execute(select(*columns).order_by(Offer.id)).all()
    mentors = set(session.scalars(select(Partner.id).where(Partner.kind == "mentor")))
    descriptions = dict(session.execute(select(Partner.id, Partner.description)).all())
    assert None in descriptions.values()
    assert mentors & {offer.partner_id for offer in offers}  # the demo has mentors' offers
    files = [SourceFile(f"{what}.json", documents)
             for what, documents in export(client).items()]
    with UnitOfWork(session):
        result = import_hsds(session, files)
    session.expire_all()
    assert session.execute(select(*columns).order_by(Offer.id)).all() == offers
    # Nor any partner: the text published for one without a description is no description.
    assert dict(session.execute(select(Partner.id, Partner.description)).all()) == descriptions
    assert result.updated == {"organisaties": 0, "diensten": 0}


def test_the_import_never_sets_capacity_below_the_places_held(client, session):
    """The rule of models.offers holds for the import too: it is refused, naming the field."""
    offer = factories.offer(session, capacity=3)
    km = factories.user(session, role="klantmanager")
    with UnitOfWork(session):
        for _ in range(2):
            refer(session, actor_id=km.id, inburgeraar_id=factories.inburgeraar(session).id,
                  offer_id=offer.id)
    service = client.get(f"/hsds/services/{offer.uuid}").get_json()
    service.pop("organization")  # the service alone, of a partner already known
    service["capacities"][0]["maximum"] = 1
    with pytest.raises(HsdsImportError) as refused, UnitOfWork(session):
        import_hsds(session, [SourceFile("dienst.json", service)])
    assert [str(p) for p in refused.value.problems] == [
        "dienst.json [0] capacities: Er zijn al 2 plekken bezet door verwijzingen; "
        "de capaciteit kan niet lager zijn."]
    session.expire_all()
    assert session.get(Offer, offer.id).capacity == 3

    service["capacities"][0]["maximum"] = 2
    with UnitOfWork(session):
        import_hsds(session, [SourceFile("dienst.json", service)])
    session.expire_all()
    assert session.get(Offer, offer.id).capacity == 2


def test_the_import_keeps_the_offer_rules_of_the_api_and_the_portal(client, session):
    """A taalschool's service of kind baan is refused as the API refuses it, naming the field."""
    offer = factories.offer(session, kind="taalcursus")
    service = client.get(f"/hsds/services/{offer.uuid}").get_json()
    service.pop("organization")
    for attribute in service["attributes"]:
        if attribute["taxonomy_term_id"] == OFFER_KIND_TERMS["taalcursus"].id:
            attribute["taxonomy_term_id"] = OFFER_KIND_TERMS["baan"].id
    with pytest.raises(HsdsImportError) as refused, UnitOfWork(session):
        import_hsds(session, [SourceFile("dienst.json", service)])
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("kind", "Deze partner plaatst alleen: taalcursus, maatje, mentoraat, opleiding, "
                 "activiteit, vrijwilligerswerk.")]
    session.expire_all()
    assert session.get(Offer, offer.id).kind == "taalcursus"


def test_a_deactivated_partners_service_is_imported_closed(client, session):
    """A deactivated partner takes no referrals (API.md: "Partners and accounts"): a new
    service of theirs, or one moved to them, arrives closed, as the API refuses to open one
    (422 naming ``partner_id``) and as reopening refuses. Before, the import opened it, and
    a klantmanager could refer to it."""
    gone = factories.partner(session, name="Vertrokken partner (fictief)", active=False)
    staying = factories.offer(session)
    template = client.get(f"/hsds/services/{staying.uuid}").get_json()
    template.pop("organization")
    new = template | {"id": "7c1e4b9a-2f0d-4e8b-9a6c-3d5f1e2b4a70", "name": "Nieuwe cursus",
                      "organization_id": str(gone.uuid)}
    moved = template | {"organization_id": str(gone.uuid)}
    with UnitOfWork(session):
        result = import_hsds(session, [SourceFile("diensten.json", [new, moved])])
    assert result.created["diensten"] == 1 and result.updated["diensten"] == 1
    session.expire_all()
    offers = session.scalars(select(Offer).where(Offer.partner_id == gone.id)).all()
    assert sorted(str(o.uuid) for o in offers) == sorted([new["id"], str(staying.uuid)])
    assert [o.closed_at is not None for o in offers] == [True, True]


def test_the_import_moves_no_offer_into_a_domain_its_people_are_served_in(client, session):
    """One referral under way per domain (API.md) holds for the import too: a service whose
    domain changes to one where someone referred to it holds another referral is refused,
    naming the field, as the API's PATCH is. Before, the import moved it."""
    school = factories.partner(session)
    cafe = factories.offer(session, partner=school, kind="activiteit", domain="sociaal_netwerk")
    course = factories.offer(session, partner=school)
    km = factories.user(session, role="klantmanager")
    person = factories.inburgeraar(session, needs={"taal": 2, "sociaal_netwerk": 1})
    with UnitOfWork(session):
        for offer in (course, cafe):
            refer(session, actor_id=km.id, inburgeraar_id=person.id, offer_id=offer.id)
    service = client.get(f"/hsds/services/{cafe.uuid}").get_json()
    service.pop("organization")
    for attribute in service["attributes"]:
        if attribute["taxonomy_term_id"] == DOMAIN_TERMS["sociaal_netwerk"].id:
            attribute["taxonomy_term_id"] = DOMAIN_TERMS["taal"].id
    with pytest.raises(HsdsImportError) as refused, UnitOfWork(session):
        import_hsds(session, [SourceFile("dienst.json", service)])
    assert [p.field for p in refused.value.problems] == ["domain"]
    session.expire_all()
    assert session.get(Offer, cafe.id).domain == "sociaal_netwerk"
