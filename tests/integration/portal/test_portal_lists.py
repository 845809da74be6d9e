"""Every list pages (rel="next"/"prev"), sorts (aria-sort), filters, counts and exports.

Before: the klantmanager saw 50 of 110 people with no next page, the referrals
all on one page, the access log stopped at 200, nothing sorted, no export.
"""

import re
from datetime import timedelta

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import func, select

import factories
from models.audit import AccessLog
from models.base import now_utc
from models.pip import Pip
from models.referral import Referral
from models.referral_service import refer


def text(response) -> str:
    return response.get_data(as_text=True)


def pseudonyms(page: str) -> list[str]:
    return re.findall(r'<th scope="row"[^>]*><a [^>]*>(IB-[A-Z0-9-]+)</a>', page)


@pytest.fixture
def caseload(session):
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    people = [factories.inburgeraar(session, pseudonym=f"IB-LIJST{n:03d}", duaal=n % 5 == 0)
              for n in range(55)]
    session.add(Pip(inburgeraar_id=people[3].id, dagtekening=now_utc().date(), leerroute="B",
                    niveau="B1"))
    session.commit()
    return {"km": km, "people": people}


def test_the_klantmanagers_people_page_by_page_with_a_count(form_client, caseload):
    log_in(form_client, caseload["km"])
    first = text(form_client.get("/klantmanager/inburgeraars"))
    assert "55 inburgeraars" in first
    assert pseudonyms(first) == [f"IB-LIJST{n:03d}" for n in range(50)]
    following = re.search(r'<a class="utrecht-link" rel="next" href="([^"]+)"', first).group(1)
    second = text(form_client.get(following.replace("&amp;", "&")))
    assert pseudonyms(second) == [f"IB-LIJST{n:03d}" for n in range(50, 55)]
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_people_sort_by_a_column_header_and_filter_on_duaal_and_pip(form_client, caseload):
    log_in(form_client, caseload["km"])
    page = text(form_client.get("/klantmanager/inburgeraars?sorteer=pseudoniem&richting=af"))
    assert pseudonyms(page)[:2] == ["IB-LIJST054", "IB-LIJST053"]
    assert re.search(r'aria-sort="descending">\s*<a [^>]*href="[^"]*sorteer=pseudoniem'
                     r'&amp;richting=op', page)
    duaal = text(form_client.get("/klantmanager/inburgeraars?duaal=ja"))
    assert "11 inburgeraars" in duaal
    with_pip = text(form_client.get("/klantmanager/inburgeraars?pip=ja"))
    assert "1 inburgeraar<" in with_pip or "1 inburgeraar " in with_pip
    assert pseudonyms(with_pip) == ["IB-LIJST003"]


def test_the_people_list_exports_every_filtered_row_as_csv(form_client, caseload):
    log_in(form_client, caseload["km"])
    response = form_client.get("/klantmanager/inburgeraars?duaal=nee&formaat=csv")
    assert response.mimetype == "text/csv"
    lines = text(response).lstrip("\ufeff").strip().split("\r\n")
    assert lines[0].startswith("Pseudoniem;Postcode;Taalniveau;Leerroute;Duaal;PIP-dagtekening")
    assert len(lines) == 1 + 44
    assert "IB-LIJST003" in text(response) and "IB-LIJST005" not in text(response)


@pytest.fixture
def referred(session):
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    school = factories.user(session, role="partner", password=PASSWORD)
    offers = [factories.offer(session, partner_id=school.partner_id, title=f"Cursus {n}",
                              capacity=60) for n in range(2)]
    people = [factories.inburgeraar(session, needs={"taal": 2}) for _ in range(55)]
    for n, person in enumerate(people):
        refer(session, actor_id=km.id, inburgeraar_id=person.id, offer_id=offers[n % 2].id)
    session.commit()
    return {"km": km, "school": school, "offers": offers}


@pytest.mark.parametrize("role, path", [("km", "/klantmanager/verwijzingen"),
                                        ("school", "/partner/verwijzingen")])
def test_referrals_page_sort_filter_and_export(form_client, referred, role, path):
    log_in(form_client, referred[role])
    page = text(form_client.get(path))
    assert "55 verwijzingen" in page and 'rel="next"' in page
    assert len(pseudonyms(page)) == 50
    by_offer = text(form_client.get(f"{path}?offer={referred['offers'][1].id}"))
    assert "27 verwijzingen" in by_offer and 'rel="next"' not in by_offer
    sorted_page = text(form_client.get(f"{path}?sorteer=inburgeraar"))
    assert pseudonyms(sorted_page) == sorted(pseudonyms(sorted_page))
    assert 'aria-sort="ascending"' in sorted_page
    exported = text(form_client.get(f"{path}?offer={referred['offers'][1].id}&formaat=csv"))
    assert len(exported.strip().split("\r\n")) == 1 + 27


def test_the_access_log_goes_on_past_200_rows(form_client, session):
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    session.add_all(AccessLog(user_id=coordinator.id, role="coordinator", action="list",
                              channel="cli", route="test") for _ in range(230))
    session.commit()
    log_in(form_client, coordinator)
    total = session.scalar(select(func.count()).select_from(AccessLog))
    first = text(form_client.get("/coordinator/toegang"))
    assert f"{total} regels" in first and 'rel="next"' in first
    last = text(form_client.get("/coordinator/toegang?pagina=2"))
    assert 'rel="prev"' in last
    assert len(re.findall(r"<code>", last)) == total - 200


def test_a_page_past_the_end_shows_the_last(form_client, caseload):
    log_in(form_client, caseload["km"])
    page = text(form_client.get("/klantmanager/inburgeraars?pagina=99"))
    assert "Pagina 2 van 2" in page


def test_referrals_near_their_14_days_filter(form_client, session, referred):
    old = session.scalars(select(Referral).order_by(Referral.id).limit(3)).all()
    for referral in old:
        referral.status_changed_at = now_utc() - timedelta(days=11)
    session.commit()
    log_in(form_client, referred["km"])
    page = text(form_client.get("/klantmanager/verwijzingen?termijn=bijna-verlopen"))
    assert "3 verwijzingen" in page


# A filter the form refuses (a full postcode "3531 AB" where four digits fit, an offer no
# longer listed) used to drop every other filter too: the page counted and listed everyone,
# and the CSV held every row, as if filtered. Now: 422, the field named, no rows, no file.
def test_an_invalid_filter_lists_and_exports_no_one(form_client, caseload):
    log_in(form_client, caseload["km"])
    response = form_client.get("/klantmanager/inburgeraars?duaal=ja&postcode=3531+AB")
    page = text(response)
    assert response.status_code == 422
    assert 'href="#postcode">Postcode:' in page
    assert pseudonyms(page) == [] and "55 inburgeraars" not in page
    assert "Er is niets opgeslagen" not in page
    exported = form_client.get("/klantmanager/inburgeraars?duaal=ja&postcode=3531+AB&formaat=csv")
    assert exported.status_code == 422 and exported.mimetype == "text/html"


@pytest.mark.parametrize("role, path", [("km", "/klantmanager/verwijzingen"),
                                        ("school", "/partner/verwijzingen")])
def test_an_invalid_referral_filter_lists_and_exports_none(form_client, referred, role, path):
    log_in(form_client, referred[role])
    query = f"{path}?offer={referred['offers'][1].id}&status=bestaat-niet"
    response = form_client.get(query)
    page = text(response)
    assert response.status_code == 422
    assert 'href="#status">Status:' in page
    assert pseudonyms(page) == [] and "verwijzingen</p>" not in page
    exported = form_client.get(query + "&formaat=csv")
    assert exported.status_code == 422 and exported.mimetype == "text/html"


def test_an_invalid_access_log_filter_lists_no_lines(form_client, session):
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    session.add_all(AccessLog(user_id=coordinator.id, role="coordinator", action="list",
                              channel="cli", route="test") for _ in range(3))
    session.commit()
    log_in(form_client, coordinator)
    response = form_client.get(f"/coordinator/toegang?user_id={coordinator.id}&since=2026-13-45")
    assert response.status_code == 422
    assert "<code>" not in text(response) and " regels" not in text(response)


def test_an_invalid_selection_of_referrals_does_not_say_nothing_was_saved(form_client, session):
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    log_in(form_client, coordinator)
    response = form_client.get("/coordinator/verwijzingen/lijst?partner=999999")
    assert response.status_code == 422
    assert "Er is niets opgeslagen" not in text(response)
    assert 'href="#partner">Partner:' in text(response)


# The sign-ins and changes (/coordinator/aanmeldingen) stopped at the last 300 events, with
# no count and no next page: every sign-in adds one, so a month's history fell off the end.
def test_the_account_events_go_on_past_300_with_a_count_and_sort(form_client, session):
    from models.account_events import CLI, AccountEvent, record_event

    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    for _ in range(320):
        record_event(session, "signin_failed", CLI, email="iemand@wegwijs.example")
    session.commit()
    log_in(form_client, coordinator)
    total = session.scalar(select(func.count()).select_from(AccountEvent))
    first = text(form_client.get("/coordinator/aanmeldingen"))
    assert f"{total} gebeurtenissen" in first and 'rel="next"' in first
    pages = -(-total // 50)
    last = text(form_client.get(f"/coordinator/aanmeldingen?pagina={pages}"))
    assert 'rel="prev"' in last and f"Pagina {pages} van {pages}" in last
    assert last.count("iemand@wegwijs.example") == total - 50 * (pages - 1)  # the oldest
    by_action = text(form_client.get("/coordinator/aanmeldingen?handeling=signin_failed"
                                     "&sorteer=moment&richting=op"))
    assert "320 gebeurtenissen" in by_action and 'aria-sort="ascending"' in by_action
