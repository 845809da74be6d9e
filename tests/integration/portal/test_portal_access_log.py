"""Every portal page that shows or changes an inburgeraar's data leaves access-log rows.

One test per route: the rows of that one request name the logged-in user,
their role, the people concerned, the action, channel "portal", the route
and the address.
"""

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import func, select

import factories
from models.audit import AccessLog
from models.referral_service import change_status, refer


@pytest.fixture
def world(session):
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    school_user = factories.user(session, role="partner", password=PASSWORD)
    employer = factories.partner(session, name="Werkgever Log (fictief)", kind="werkgever")
    employer_user = factories.user(session, role="partner", password=PASSWORD, partner=employer)
    course = factories.offer(session, partner_id=school_user.partner_id, capacity=5)
    job = factories.offer(session, partner_id=employer.id, domain="werk", kind="baan",
                          capacity=5)
    person = factories.inburgeraar(session, needs={"taal": 3, "werk": 1}, postcode="3512")
    second = factories.inburgeraar(session, needs={"taal": 1}, postcode="3512")
    return {"km": km, "school": school_user, "employer": employer_user, "course": course,
            "job": job, "person": person, "second": second}


def _referral(session, world, person=None, offer=None):
    return refer(session, actor_id=world["km"].id, inburgeraar_id=(person or world["person"]).id,
                 offer_id=(offer or world["course"]).id)


def _last_id(session) -> int:
    return session.scalar(select(func.max(AccessLog.id))) or 0


def _logged(session, last_id, user, route, expected):
    """``expected``: the (action, inburgeraar id) pairs the request logged."""
    rows = session.scalars(
        select(AccessLog).where(AccessLog.id > last_id).order_by(AccessLog.id)
    ).all()
    assert sorted((r.action, r.inburgeraar_id) for r in rows) == sorted(expected)
    for row in rows:
        assert (row.user_id, row.role, row.channel, row.route, row.remote_addr) == (
            user.id, user.role, "portal", route, "127.0.0.1"
        )


def test_the_list_of_inburgeraars(form_client, session, world):
    log_in(form_client, world["km"])
    before = _last_id(session)
    assert form_client.get("/klantmanager/inburgeraars").status_code == 200
    _logged(session, before, world["km"], "GET /klantmanager/inburgeraars",
            [("list", world["person"].id), ("list", world["second"].id)])


def test_a_new_intake(form_client, session, world):
    log_in(form_client, world["km"])
    before = _last_id(session)
    response = form_client.post("/klantmanager/inburgeraars/nieuw", data={
        "pseudonym": "IB-LOGNIEUW", "need_taal": "2", "latin_literate": "y"})
    assert response.status_code == 302
    new_id = int(response.location.rstrip("/").split("/")[-1])
    _logged(session, before, world["km"], "POST /klantmanager/inburgeraars/nieuw",
            [("create", new_id)])


def test_reading_and_changing_the_intake(form_client, session, world):
    log_in(form_client, world["km"])
    url = f"/klantmanager/inburgeraars/{world['person'].id}/intake"
    before = _last_id(session)
    assert form_client.get(url).status_code == 200
    _logged(session, before, world["km"], f"GET {url}", [("read", world["person"].id)])
    before = _last_id(session)
    response = form_client.post(url, data={"need_werk": "2", "postcode": "3531",
                                           "latin_literate": "y"})
    assert response.status_code == 302
    _logged(session, before, world["km"], f"POST {url}", [("update", world["person"].id)])


def test_the_person_with_matches(form_client, session, world):
    log_in(form_client, world["km"])
    url = f"/klantmanager/inburgeraars/{world['person'].id}"
    before = _last_id(session)
    assert form_client.get(url).status_code == 200
    _logged(session, before, world["km"], f"GET {url}",
            [("read", world["person"].id), ("match", world["person"].id)])


def test_someone_elses_person_logs_nothing(form_client, session, world):
    other = factories.inburgeraar(session, gemeente=factories.gemeente(session, "Zeist"),
                                  postcode="3701")
    log_in(form_client, world["km"])
    before = _last_id(session)
    assert form_client.get(f"/klantmanager/inburgeraars/{other.id}").status_code == 404
    _logged(session, before, world["km"], "", [])


def test_verwijs_door(form_client, session, world):
    log_in(form_client, world["km"])
    url = f"/klantmanager/inburgeraars/{world['person'].id}/verwijzen"
    before = _last_id(session)
    assert form_client.post(url, data={"offer_id": world["course"].id}).status_code == 302
    _logged(session, before, world["km"], f"POST {url}", [("refer", world["person"].id)])


def test_the_klantmanagers_referrals(form_client, session, world):
    first = _referral(session, world)
    second = _referral(session, world, world["second"])
    log_in(form_client, world["km"])
    before = _last_id(session)
    assert form_client.get("/klantmanager/verwijzingen").status_code == 200
    _logged(session, before, world["km"], "GET /klantmanager/verwijzingen",
            [("list", first.inburgeraar_id), ("list", second.inburgeraar_id)])


def test_one_referral_for_the_klantmanager(form_client, session, world):
    referral = _referral(session, world)
    log_in(form_client, world["km"])
    url = f"/klantmanager/verwijzingen/{referral.id}"
    before = _last_id(session)
    assert form_client.get(url).status_code == 200
    _logged(session, before, world["km"], f"GET {url}", [("read", world["person"].id)])


def test_the_klantmanager_withdraws(form_client, session, world):
    referral = _referral(session, world)
    log_in(form_client, world["km"])
    url = f"/klantmanager/verwijzingen/{referral.id}/status"
    before = _last_id(session)
    response = form_client.post(url, data={"to_status": "withdrawn", "reason": "Verhuisd"})
    assert response.status_code == 302
    _logged(session, before, world["km"], f"POST {url}", [("status", world["person"].id)])


def test_the_allocation_proposal(form_client, session, world):
    log_in(form_client, world["km"])
    before = _last_id(session)
    assert form_client.get("/klantmanager/verdeelvoorstel").status_code == 200
    rows = session.scalars(select(AccessLog).where(AccessLog.id > before)).all()
    assert rows and {r.action for r in rows} == {"list"}
    assert {r.inburgeraar_id for r in rows} <= {world["person"].id, world["second"].id}
    assert {r.route for r in rows} == {"GET /klantmanager/verdeelvoorstel"}


def test_the_partners_referrals(form_client, session, world):
    _referral(session, world)
    log_in(form_client, world["school"])
    before = _last_id(session)
    assert form_client.get("/partner/verwijzingen").status_code == 200
    _logged(session, before, world["school"], "GET /partner/verwijzingen",
            [("list", world["person"].id)])


def test_one_referral_for_the_partner(form_client, session, world):
    referral = _referral(session, world)
    log_in(form_client, world["school"])
    url = f"/partner/verwijzingen/{referral.id}"
    before = _last_id(session)
    assert form_client.get(url).status_code == 200
    _logged(session, before, world["school"], f"GET {url}", [("read", world["person"].id)])


def test_the_partner_accepts(form_client, session, world):
    referral = _referral(session, world)
    log_in(form_client, world["school"])
    url = f"/partner/verwijzingen/{referral.id}/status"
    before = _last_id(session)
    assert form_client.post(url, data={"to_status": "accepted"}).status_code == 302
    _logged(session, before, world["school"], f"POST {url}", [("status", world["person"].id)])


def test_the_werkgevers_referral_pages(form_client, session, world):
    referral = _referral(session, world, offer=world["job"])
    change_status(session, actor_id=world["employer"].id, referral_id=referral.id,
                  to_status="accepted")
    log_in(form_client, world["employer"])
    for url, action in (("/werkgever/verwijzingen", "list"),
                        (f"/werkgever/verwijzingen/{referral.id}", "read")):
        before = _last_id(session)
        assert form_client.get(url).status_code == 200
        _logged(session, before, world["employer"], f"GET {url}", [(action, world["person"].id)])


def test_a_refused_referral_shows_the_person_again_and_logs_it(form_client, session, world):
    """The 422 page of a refused referral shows the person's profile and matches: it left."""
    full = factories.offer(session, partner_id=world["school"].partner_id, capacity=0)
    log_in(form_client, world["km"])
    url = f"/klantmanager/inburgeraars/{world['person'].id}/verwijzen"
    before = _last_id(session)
    response = form_client.post(url, data={"offer_id": full.id})
    assert response.status_code == 422
    assert world["person"].pseudonym in response.get_data(as_text=True)
    _logged(session, before, world["km"], f"POST {url}",
            [("read", world["person"].id), ("match", world["person"].id)])


def test_an_intake_with_a_mistake_shows_the_person_again_and_logs_it(form_client, session,
                                                                      world):
    log_in(form_client, world["km"])
    url = f"/klantmanager/inburgeraars/{world['person'].id}/intake"
    before = _last_id(session)
    response = form_client.post(url, data={"birth_year": "3000", "latin_literate": "y"})
    assert response.status_code == 422
    assert world["person"].pseudonym in response.get_data(as_text=True)
    # Read, not changed: the refused change is rolled back and not logged as one.
    _logged(session, before, world["km"], f"POST {url}", [("read", world["person"].id)])


def test_a_partners_refused_move_shows_the_person_again_and_logs_it(form_client, session,
                                                                     world):
    referral = _referral(session, world)
    log_in(form_client, world["school"])
    url = f"/partner/verwijzingen/{referral.id}/status"
    before = _last_id(session)
    response = form_client.post(url, data={"to_status": "declined"})  # no reason code
    assert response.status_code == 422
    assert world["person"].pseudonym in response.get_data(as_text=True)
    _logged(session, before, world["school"], f"POST {url}", [("read", world["person"].id)])


def test_referring_from_the_proposal_logs_the_referred_and_the_people_shown(form_client,
                                                                            session, world):
    """The answer lists every ticked row by pseudonym, with why it was not referred."""
    full = factories.offer(session, partner_id=world["school"].partner_id, capacity=0)
    course = world["course"].id
    first, second = world["person"], world["second"]
    log_in(form_client, world["km"])
    before = _last_id(session)
    response = form_client.post("/klantmanager/verdeelvoorstel/verwijzen", data={
        "row": [f"{first.id}-taal", f"{second.id}-taal"],
        f"proposed-{first.id}-taal": course, f"offer-{first.id}-taal": course,
        f"proposed-{second.id}-taal": course, f"offer-{second.id}-taal": full.id,
        f"reason_code-{second.id}-taal": "voorkeur",
    })
    assert response.status_code == 200 and second.pseudonym in response.get_data(as_text=True)
    _logged(session, before, world["km"], "POST /klantmanager/verdeelvoorstel/verwijzen",
            [("refer", first.id), ("list", second.id)])
