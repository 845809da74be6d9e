"""Every figure on the coordinator's overview and funnel opens the referrals behind it:
the list it links to holds exactly that many referrals."""

import html
import re
from datetime import timedelta

import pytest
from test_coordinator_pages import log_in

import factories
from models.base import now_utc
from models.clock import local_today
from models.referral_service import change_status, refer
from models.unit_of_work import UnitOfWork

FIGURE = re.compile(r'<a class="utrecht-link[^"]*" href="([^"]+)" data-aantal="(\d+)"')
COUNT = re.compile(r'class="utrecht-paragraph ww-count" role="status">(\d+) verwijzing')


@pytest.fixture
def history(session):
    """Two partners, two gemeenten; referrals waiting, declined, completed, withdrawn."""
    partners = [factories.user(session, role="partner") for _ in range(2)]
    km = factories.user(session, role="klantmanager")
    offers = [factories.offer(session, partner_id=p.partner_id, capacity=10) for p in partners]
    zeist = factories.gemeente(session, name="Zeist")
    people = [factories.inburgeraar(session, gemeente_id=zeist.id if k % 2 else None)
              for k in range(7)]
    days = timedelta(days=1)
    with UnitOfWork(session):
        def send(k, offer, ago):
            return refer(session, actor_id=km.id, offer_id=offers[offer].id,
                         inburgeraar_id=people[k].id, at=now_utc() - ago * days)

        send(0, 0, 9)  # waiting 9 days
        send(1, 1, 2)  # waiting 2 days
        declined = send(2, 0, 4)
        change_status(session, actor_id=partners[0].id, referral_id=declined.id,
                      to_status="declined", reason_code="rooster", at=now_utc() - 2 * days)
        done = send(3, 1, 6)
        for step, ago in (("accepted", 5), ("started", 4), ("completed", 1)):
            change_status(session, actor_id=partners[1].id, referral_id=done.id,
                          to_status=step, at=now_utc() - ago * days)
        withdrawn = send(4, 0, 3)
        change_status(session, actor_id=km.id, referral_id=withdrawn.id, to_status="withdrawn",
                      at=now_utc() - 1 * days)
        accepted = send(5, 1, 1)
        change_status(session, actor_id=partners[1].id, referral_id=accepted.id,
                      to_status="accepted")
    return partners


def figures(page: str) -> list[tuple[str, int]]:
    return [(html.unescape(url), int(n)) for url, n in FIGURE.findall(page)]


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(COUNT.search(response.get_data(as_text=True)).group(1))


def test_every_figure_of_the_overview_lists_its_referrals(client, session, history):
    log_in(client, factories.user(session, role="coordinator"))
    found = figures(client.get("/").get_data(as_text=True))
    # The ages of waiting referrals, the overdue partner, each partner's name and rates,
    # the reasons per partner and per domain.
    assert len(found) >= 10
    assert {url: listed(client, url) for url, _ in found} == dict(found)


def test_every_figure_of_the_funnel_and_its_breakdowns_lists_its_referrals(
        client, session, history):
    log_in(client, factories.user(session, role="coordinator"))
    start, end = (local_today() - timedelta(days=30)).isoformat(), local_today().isoformat()
    page = client.get(f"/coordinator/verwijzingen?van={start}&tot={end}").get_data(as_text=True)
    assert "Per gemeente van de inburgeraar" in page and "Per partner" in page
    found = figures(page)
    assert len(found) >= 20
    assert {url: listed(client, url) for url, _ in found} == dict(found)


def test_the_funnel_of_one_partner(client, session, history):
    log_in(client, factories.user(session, role="coordinator"))
    start = (local_today() - timedelta(days=30)).isoformat()
    url = (f"/coordinator/verwijzingen?van={start}&tot={local_today().isoformat()}"
           f"&partner={history[1].partner_id}")
    page = client.get(url).get_data(as_text=True)
    assert "Per partner" not in page  # one partner: no table per partner
    rows = dict(re.findall(r'<th scope="row" class="utrecht-table__header-cell">(\w+)</th>\s*'
                           r'<td[^>]*>\s*(?:<a[^>]*>)?(\d+)', page))
    assert rows["Verstuurd"] == "3" and rows["Geaccepteerd"] == "2" and rows["Afgerond"] == "1"
    # Its funnel per gemeente and per domain counts its referrals only.
    found = figures(page)
    assert any("gemeente=" in url for url, _ in found)
    assert {url: listed(client, url) for url, _ in found} == dict(found)


def test_the_list_says_what_it_lists_and_refuses_a_bad_filter(client, session, history):
    log_in(client, factories.user(session, role="coordinator"))
    partner = history[0].partner
    page = client.get(f"/coordinator/verwijzingen/lijst?partner={partner.id}&status=sent"
                      "&min_dagen=8").get_data(as_text=True)
    assert f"Verwijzingen bij {partner.name}, met status verstuurd en 8 dagen of langer" in page
    response = client.get("/coordinator/verwijzingen/lijst?min_dagen=veel&stap=accepted")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Ten minste dagen geleden verstuurd" in text
    assert "Vul bij een stap de periode in" in text


def test_the_list_exports_as_csv(client, session, history):
    log_in(client, factories.user(session, role="coordinator"))
    response = client.get("/coordinator/verwijzingen/lijst?status=sent&formaat=csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Verwijzing;Inburgeraar;Gemeente")
    assert len(lines) == 1 + 2


def test_only_the_coordinator_sees_the_list(client, session):
    log_in(client, factories.user(session, role="klantmanager"))
    assert client.get("/coordinator/verwijzingen/lijst").status_code == 403
