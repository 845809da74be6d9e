"""The coordinator's pages and CSV exports over HTTP (Flask test client, real login)."""

import csv
import io
import re

import pytest

import factories
from models.clock import local_today
from models.referral_service import change_status, refer
from models.unit_of_work import UnitOfWork

PASSWORD = "wachtwoord-van-test"
PAGES = [
    "/coordinator/capaciteit",
    "/coordinator/verwijzingen",
    "/coordinator/netwerk",
    "/coordinator/kaart",
]
EXPORTS = [
    "/coordinator/capaciteit.csv",
    "/coordinator/verwijzingen.csv",
    "/coordinator/netwerk/centraliteit.csv",
    "/coordinator/kaart.csv",
]


def log_in(client, user):
    page = client.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/inloggen", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def coordinator(client, session):
    log_in(client, factories.user(session, role="coordinator", password=PASSWORD))
    return client


@pytest.fixture
def world(session):
    partner_user = factories.user(session, role="partner", password=PASSWORD)
    return {
        "km": factories.user(session, role="klantmanager", password=PASSWORD),
        "partner": partner_user,
        "offer": factories.offer(session, partner=partner_user.partner, capacity=3),
        "person": factories.inburgeraar(session, needs={"taal": 2}),
    }


def read_csv(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def funnel_counts(client):
    """The funnel of today, as the reports count days."""
    today = local_today().isoformat()
    rows = read_csv(client.get(f"/coordinator/verwijzingen.csv?van={today}&tot={today}"))
    return {row[0]: int(row[1]) for row in rows[1:]}


def capacity_cell(client, area, domain):
    rows = read_csv(client.get("/coordinator/capaciteit.csv"))
    header = rows[0]
    for row in rows[1:]:
        record = dict(zip(header, row, strict=True))
        if record["Gebied"] == area and record["Domein"] == domain:
            return int(record["Vraag"]), int(record["Vrije plaatsen"])
    raise AssertionError(f"no row for {area} / {domain}")


# Who may see the pages


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen?next=")


@pytest.mark.parametrize("role", ["klantmanager", "partner"])
def test_other_roles_get_403_on_every_page_and_export(client, session, role):
    log_in(client, factories.user(session, role=role, password=PASSWORD))
    for url in PAGES + EXPORTS + ["/coordinator/netwerk/banden.csv"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Geen toegang" in response.get_data(as_text=True)


def test_the_coordinator_sees_every_page_in_the_menu(coordinator):
    for url in PAGES:
        response = coordinator.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert f'href="{url}" aria-current="page"' in html
        assert '<html lang="nl"' in html and "<caption" in html


# Capacity against demand


def test_capacity_page_and_export_show_demand_and_free_places(coordinator, world):
    html = coordinator.get("/coordinator/capaciteit").get_data(as_text=True)
    assert 'scope="col"' in html and 'scope="row"' in html
    assert "Vraag en vrije plaatsen per gebied en domein" in html
    assert capacity_cell(coordinator, "Utrecht – Binnenstad", "Taal") == (0, 3)
    assert capacity_cell(coordinator, "Utrecht – Noordoost", "Taal") == (1, 0)


def test_capacity_falls_when_a_referral_is_sent(coordinator, session, world):
    with UnitOfWork(session):
        refer(
            session,
            actor_id=world["km"].id,
            inburgeraar_id=world["person"].id,
            offer_id=world["offer"].id,
        )
    assert capacity_cell(coordinator, "Utrecht – Binnenstad", "Taal") == (0, 2)
    html = coordinator.get("/coordinator/capaciteit").get_data(as_text=True)
    assert "vrij 2" in html


def test_capacity_export_is_a_dutch_csv_download(coordinator, world):
    response = coordinator.get("/coordinator/capaciteit.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="wegwijs-capaciteit-en-vraag-{local_today().isoformat()}.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == ["Gebied", "Gemeente", "Wijk", "Domein", "Vraag", "Vrije plaatsen", "Tekort"]
    assert len(rows) == 1 + 25 * 7


# The funnel


def test_the_funnel_moves_after_referral_and_acceptance(coordinator, session, world):
    html = coordinator.get("/coordinator/verwijzingen").get_data(as_text=True)
    assert f'value="{local_today().isoformat()}"' in html  # the default period ends today
    before = funnel_counts(coordinator)
    referral = refer(
        session,
        actor_id=world["km"].id,
        inburgeraar_id=world["person"].id,
        offer_id=world["offer"].id,
    )
    change_status(
        session, actor_id=world["partner"].id, referral_id=referral.id, to_status="accepted"
    )
    session.commit()
    after = funnel_counts(coordinator)
    assert after["verstuurd"] == before["verstuurd"] + 1
    assert after["geaccepteerd"] == before["geaccepteerd"] + 1
    assert after["gestart"] == before["gestart"]
    today = local_today().isoformat()
    html = coordinator.get(f"/coordinator/verwijzingen?van={today}&tot={today}").get_data(
        as_text=True
    )
    assert "Geaccepteerd: 1" in html  # the SVG's text alternative


def test_the_funnel_export_names_its_period_and_every_exit(coordinator):
    response = coordinator.get("/coordinator/verwijzingen.csv?van=2025-01-01&tot=2025-03-31")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="wegwijs-verwijzingen-2025-01-01-tot-2025-03-31.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Fase",
        "Bereikt",
        "Uitgevallen: afgewezen",
        "Uitgevallen: ingetrokken",
        "Uitgevallen: verlopen",
        "Uitgevallen: voortijdig gestopt",
        "Uitgevallen totaal",
    ]
    assert [row[0] for row in rows[1:]] == ["verstuurd", "geaccepteerd", "gestart", "afgerond"]
    assert rows[2][2] == ""  # no "afgewezen" after acceptance: the lifecycle has no such exit


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "van=2025-13-01&tot=2025-12-31",
            "van",
            "Vul een geldige datum in, bijvoorbeeld 2025-11-01.",
        ),
        (
            "van=2025-01-01&tot=gisteren",
            "tot",
            "Vul een geldige datum in, bijvoorbeeld 2025-11-01.",
        ),
        ("van=&tot=2025-12-31", "van", "Vul een begindatum in."),
        ("van=2025-03-01&tot=2025-02-01", "tot", "De einddatum ligt vóór de begindatum."),
    ],
)
def test_a_bad_period_gets_a_dutch_message_beside_the_field(coordinator, query, field, message):
    response = coordinator.get(f"/coordinator/verwijzingen?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-fout">\s*<p class="utrecht-paragraph">([^<]*)</p>', html)
    assert error and error.group(1) == message
    assert re.search(rf'aria-describedby="{field}-fout" aria-invalid="true"', html)
    for name, value in (part.split("=") for part in query.split("&")):
        assert f'name="{name}" required type="date" value="{value}"' in html  # kept as typed
    assert "<svg" not in html


def test_a_bad_period_exports_nothing(coordinator):
    response = coordinator.get("/coordinator/verwijzingen.csv?van=2025-03-01&tot=2025-02-01")
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("text/html")


# The network


def test_network_page_shows_central_and_isolated_partners(coordinator, session):
    from models.coalition import Tie

    hub = factories.partner(session, kind="welzijn", name="Buurtteam Centraal (fictief)")
    school = factories.partner(session, kind="taalschool", name="Taalschool Aan (fictief)")
    factories.partner(session, kind="overig", name="Eenling (fictief)")
    session.add(Tie(partner_a_id=min(hub.id, school.id), partner_b_id=max(hub.id, school.id)))
    session.commit()
    html = coordinator.get("/coordinator/netwerk").get_data(as_text=True)
    isolated = html[html.index("Wie staat alleen?") : html.index("Partners en banden per soort")]
    assert "Eenling (fictief)" in isolated and "Buurtteam Centraal" not in isolated
    assert 'role="img"' in html and "<title" in html
    rows = read_csv(coordinator.get("/coordinator/netwerk/centraliteit.csv"))
    assert rows[0] == ["Rang", "Partner", "Soort", "Gemeente", "Aantal banden", "Tussenpositie"]
    assert rows[1][:5] == [
        "1",
        "Buurtteam Centraal (fictief)",
        "welzijnsorganisatie",
        "Utrecht",
        "1",
    ]
    ties = read_csv(coordinator.get("/coordinator/netwerk/banden.csv"))
    assert ties[1] == ["taalschool en welzijnsorganisatie", "1"]
    assert coordinator.get("/coordinator/netwerk/onbekend.csv").status_code == 404


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(coordinator, session):
    factories.partner(session, kind="overig", name='=HYPERLINK("http://x.example")')
    rows = read_csv(coordinator.get("/coordinator/netwerk/zonder-banden.csv"))
    assert rows[1][0] == '\'=HYPERLINK("http://x.example")'


# The map


def test_the_map_draws_the_u16_with_a_text_alternative(coordinator, world):
    html = coordinator.get("/coordinator/kaart?domein=taal").get_data(as_text=True)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="kaart-titel kaart-beschrijving"' in svg
    assert svg.count('r="2"') >= 170  # a dot per PC4 of the U16
    assert "Utrecht – Binnenstad: vraag 0, vrije plaatsen 3" in svg
    assert "Utrecht – Noordoost: vraag 1, vrije plaatsen 0" in svg
    rows = read_csv(coordinator.get("/coordinator/kaart.csv?domein=taal"))
    assert rows[0] == ["Gebied", "Vraag", "Vrije plaatsen", "Breedtegraad", "Lengtegraad"]
    binnenstad = next(row for row in rows if row[0] == "Utrecht – Binnenstad")
    assert binnenstad[1:3] == ["0", "3"] and binnenstad[3].startswith("52,")


def test_the_map_refuses_an_unknown_domain(coordinator):
    response = coordinator.get("/coordinator/kaart?domein=sport")
    assert response.status_code == 422
    assert "Kies een domein uit de lijst." in response.get_data(as_text=True)


# A new install (partners, no referral yet): the overview showed the table of answers per
# partner as column headers over no rows, without a word.
def test_the_overview_of_a_new_install_says_there_are_no_answers_yet(coordinator, session):
    factories.partner(session)
    session.commit()
    page = coordinator.get("/").get_data(as_text=True)
    assert "per-partner-bijschrift" not in page
    assert "Nog geen verwijzingen: zodra partners antwoorden, staat hier per partner" in page
