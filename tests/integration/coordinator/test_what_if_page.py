"""Wat als (/coordinator/wat-als): several offers, or a partner's extra places, before and after.

The page must answer as the API's what-if does for the same changes, store
nothing, refuse bad input with a Dutch message beside the field (422), and
be the coordinator's only.
"""

import html
import re
from datetime import UTC, datetime

import pytest
from test_coordinator_pages import PASSWORD, log_in

import factories
from databases import every_row
from web.portal.labels import DOMAIN_LABELS

URL = "/coordinator/wat-als"
API = "/api/v1/coalition/what-if"
SUMMARY = re.compile(r"Nu (\d+) (?:hulpvraag krijgt|hulpvragen krijgen) een plek "
                     r"en (\d+) niet; met de wijzigingen (\d+) en (\d+)\.")


@pytest.fixture
def coordinator_user(session):
    return factories.user(session, role="coordinator", password=PASSWORD)


@pytest.fixture
def coordinator(client, coordinator_user):
    log_in(client, coordinator_user)
    return client


@pytest.fixture
def scarce(session):
    """A taalschool with three taal courses of one place and a social activity; more need."""
    school = factories.partner(session, name="Taalschool Wat-als (fictief)")
    courses = [factories.offer(session, partner=school, title=f"Cursus {letter}", capacity=1)
               for letter in "ABC"]
    activity = factories.offer(session, partner=school, title="Koffie en taal", capacity=0,
                               domain="sociaal_netwerk", kind="activiteit")
    other = factories.offer(session, title="Cursus elders", capacity=1)
    for _ in range(8):
        factories.inburgeraar(session, needs={"taal": 2, "sociaal_netwerk": 1})
    return {"school": school, "courses": courses, "activity": activity, "other": other,
            "empty": factories.partner(session, name="Zonder aanbod (fictief)")}


def api_answer(client, user, changes):
    token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert token.status_code == 201, token.get_data(as_text=True)
    response = client.post(API, json={"changes": [
        {"offer_id": offer_id, "capacity": capacity} for offer_id, capacity in changes]},
        headers={"Authorization": f"Bearer {token.get_json()['token']}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def read_table(text, table_id):
    """A table of the page as {row header: [numbers]}."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', text, re.S).group(0)
    return {
        html.unescape(head.strip()): [_value(cell) for cell in
                                      re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        for head, cells in re.findall(r'<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', table, re.S)
    }


def _value(cell):
    cell = html.unescape(cell.strip())
    return int(cell) if re.fullmatch(r"-?\d+", cell) else cell


def expected_table(answer, key, label=str):
    zero = {"served": 0, "unserved": 0}
    rows = {}
    for k in set(answer["before"][key]) | set(answer["after"][key]):
        before, after = answer["before"][key].get(k, zero), answer["after"][key].get(k, zero)
        rows[label(k)] = [before["served"], after["served"], after["served"] - before["served"],
                          before["unserved"], after["unserved"]]
    return rows


def assert_same_answer(text, answer):
    summary = tuple(int(n) for n in SUMMARY.search(text).groups())
    assert summary == (answer["before"]["served"], answer["before"]["unserved"],
                       answer["after"]["served"], answer["after"]["unserved"])
    assert read_table(text, "wat-als-per-domein") == expected_table(
        answer, "by_domain", DOMAIN_LABELS.get)
    assert read_table(text, "wat-als-per-gebied") == expected_table(answer, "by_area")


def error_beside(text, field_id):
    """The Dutch message beside a field, or None; the field is marked invalid too."""
    found = re.search(rf'id="{field_id}-fout">(.*?)</div>', text, re.S)
    if found is None:
        return None
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*'
                     rf'id="{field_id}"', text), field_id
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))).strip()


# The question and its answer


def test_the_empty_page_offers_rows_and_partners(coordinator, scarce):
    response = coordinator.get(URL)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Bereken" in text
    for n in range(1, 6):
        assert f'name="aanbod_{n}"' in text and f'name="plaatsen_{n}"' in text
    assert "Taalschool Wat-als (fictief) – Cursus A (Taal, nu 1 plaats)" in text
    assert '<option value="{}">Zonder aanbod (fictief)</option>'.format(scarce["empty"].id) in text
    assert "Uitkomst" not in text


def test_several_offers_in_one_question_answer_as_the_api(coordinator, coordinator_user, scarce):
    a, b, _ = scarce["courses"]
    changes = [(a.id, 4), (scarce["other"].id, 0), (b.id, 3)]
    answer = api_answer(coordinator, coordinator_user, changes)
    assert answer["after"]["served"] > answer["before"]["served"]  # the question matters
    query = "&".join(f"aanbod_{n}={offer_id}&plaatsen_{n}={places}"
                     for n, (offer_id, places) in zip((1, 2, 4), changes, strict=True))
    response = coordinator.get(f"{URL}?{query}&aanbod_3=&plaatsen_3=")  # row 3 left empty
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text
    assert_same_answer(text, answer)
    assert read_table(text, "wat-als-wijzigingen") == {  # Domein, nu, daarna, verschil
        "Taalschool Wat-als (fictief) – Cursus A": ["Taal", 1, 4, 3],
        f"{scarce['other'].partner.name} – Cursus elders": ["Taal", 1, 0, -1],
        "Taalschool Wat-als (fictief) – Cursus B": ["Taal", 1, 3, 2],
    }
    assert "<svg" in text and "Geholpen hulpvragen per domein" in text


def test_raising_several_offers_on_the_page_never_serves_fewer(coordinator, scarce):
    a, b, c = scarce["courses"]
    served = []
    for places in (0, 1, 2, 3, 5):
        text = coordinator.get(f"{URL}?aanbod_1={a.id}&plaatsen_1={places}&aanbod_2={b.id}"
                               f"&plaatsen_2={places}&aanbod_3={c.id}&plaatsen_3={places}"
                               ).get_data(as_text=True)
        served.append(read_table(text, "wat-als-per-domein")["Taal"][1])
    assert served == sorted(served)
    assert served[0] < served[-1] == 8  # none with no places, all eight with fifteen


def test_a_partners_extra_places_are_spread_by_id_and_shown(coordinator, coordinator_user,
                                                            scarce):
    a, b, c = scarce["courses"]
    school = scarce["school"]
    response = coordinator.get(f"{URL}?aanbieder={school.id}&domein=taal&extra=10")
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text
    extra = re.search(r'<ul[^>]*id="wat-als-extra".*?</ul>', text, re.S).group(0)
    lines = [html.unescape(re.sub(r"\s+", " ", li)).strip()
             for li in re.findall(r"<li[^>]*>(.*?)</li>", extra, re.S)]
    assert lines == [
        "Taalschool Wat-als (fictief) – Cursus A: +4 (van 1 naar 5 plaatsen)",
        "Taalschool Wat-als (fictief) – Cursus B: +3 (van 1 naar 4 plaatsen)",
        "Taalschool Wat-als (fictief) – Cursus C: +3 (van 1 naar 4 plaatsen)",
    ]
    assert "Koffie en taal" not in extra  # another domain
    answer = api_answer(coordinator, coordinator_user, [(a.id, 5), (b.id, 4), (c.id, 4)])
    assert_same_answer(text, answer)

    every_domain = coordinator.get(f"{URL}?aanbieder={school.id}&extra=10").get_data(as_text=True)
    assert "Koffie en taal: +2 (van 0 naar 2 plaatsen)" in every_domain
    assert "Cursus A: +3 (van 1 naar 4 plaatsen)" in every_domain


def test_offers_and_a_partner_together(coordinator, coordinator_user, scarce):
    school, other = scarce["school"], scarce["other"]
    response = coordinator.get(
        f"{URL}?aanbod_1={other.id}&plaatsen_1=6&aanbieder={school.id}&domein=sociaal_netwerk"
        "&extra=5")
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text
    assert "Koffie en taal: +5 (van 0 naar 5 plaatsen)" in text
    answer = api_answer(coordinator, coordinator_user, [(other.id, 6), (scarce["activity"].id, 5)])
    assert_same_answer(text, answer)


def test_the_page_stores_nothing(coordinator, session, scarce):
    a, _, _ = scarce["courses"]
    before = every_row(session)
    response = coordinator.get(f"{URL}?aanbod_1={a.id}&plaatsen_1=9"
                               f"&aanbieder={scarce['school'].id}&domein=sociaal_netwerk&extra=4")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Uitkomst" in response.get_data(as_text=True)
    session.expire_all()
    assert every_row(session) == before


def effects(text: str) -> list[str]:
    found = re.search(r'<ul[^>]*id="wat-als-effecten".*?</ul>', text, re.S).group(0)
    return [html.unescape(re.sub(r"\s+", " ", li)).strip()
            for li in re.findall(r"<li[^>]*>(.*?)</li>", found, re.S)]


def test_the_page_says_why_more_places_help_no_one(coordinator, session, scarce):
    """Eight A1 learners need taal, four places: a B1 course's ten more places help no one."""
    b1 = factories.offer(session, partner=scarce["school"], title="Cursus B1", capacity=0,
                         min_level="B1")
    text = coordinator.get(f"{URL}?aanbod_1={b1.id}&plaatsen_1=10").get_data(as_text=True)
    assert read_table(text, "wat-als-per-domein")["Taal"][2] == 0  # no difference
    assert effects(text) == [
        "De 10 extra plaatsen bij Taalschool Wat-als (fictief) – Cursus B1 helpen niemand: "
        "geen van de 4 inburgeraars met een open vraag in het domein taal kan dit aanbod "
        "volgen. Wat hen uitsluit: niveau (4)."]


def test_the_page_says_whom_more_places_help(coordinator, scarce):
    a = scarce["courses"][0]
    text = coordinator.get(f"{URL}?aanbod_1={a.id}&plaatsen_1=4").get_data(as_text=True)
    assert effects(text) == [
        "De 3 extra plaatsen bij Taalschool Wat-als (fictief) – Cursus A: 4 inburgeraars "
        "zonder plaats kunnen dit aanbod volgen; in het domein taal krijgen 3 vragen meer "
        "een plaats."]


# Bad input: 422, the Dutch message beside the field


def _closed(session, offer):
    offer.closed_at = datetime.now(UTC)
    session.commit()
    return offer


@pytest.mark.parametrize("question, field, message", [
    ("aanbod_2={other}&plaatsen_2=3&aanbod_1=999999&plaatsen_1=2",
     "aanbod_1", "geen open aanbod met id 999999"),
    ("aanbod_1={a}&plaatsen_1=-1", "plaatsen_1", "Vul een aantal van 0 tot 10.000 in."),
    ("aanbod_1={a}&plaatsen_1=twee", "plaatsen_1", "Ongeldig getal."),
    ("aanbod_1={a}&plaatsen_1=2&aanbod_3={a}&plaatsen_3=5",
     "aanbod_3", "Dit aanbod staat al bij aanbod 1; kies het één keer."),
    ("aanbod_2={a}", "plaatsen_2", "Vul het aantal plaatsen in totaal in."),
    ("plaatsen_4=3", "aanbod_4", "Kies een aanbod bij dit aantal plaatsen."),
    ("aanbieder={empty}&extra=3", "aanbieder", "Zonder aanbod (fictief) heeft geen open aanbod"),
    ("aanbieder={school}&domein=werk&extra=3", "domein",
     "Taalschool Wat-als (fictief) heeft geen open aanbod in dit domein"),
    ("aanbieder=999999&extra=3", "aanbieder", "geen aanbieder met id 999999"),
    ("aanbieder={school}&extra=-2", "extra", "Vul een aantal van 1 tot 10.000 in."),
    ("aanbieder={school}", "extra", "Vul het aantal extra plaatsen in."),
    ("extra=4", "aanbieder", "Kies een aanbieder bij de extra plaatsen."),
    ("domein=mars&aanbieder={school}&extra=1", "domein", "Kies een domein uit de lijst."),
    ("aanbod_1={b}&plaatsen_1=2&aanbieder={school}&domein=taal&extra=3",
     "aanbod_1", "Dit aanbod krijgt al extra plaatsen van de gekozen aanbieder"),
])
def test_bad_input_is_422_with_the_dutch_message_beside_the_field(coordinator, scarce, question,
                                                                  field, message):
    a, b, _ = scarce["courses"]
    url = f"{URL}?" + question.format(a=a.id, b=b.id, other=scarce["other"].id,
                                      empty=scarce["empty"].id, school=scarce["school"].id)
    response = coordinator.get(url)
    text = response.get_data(as_text=True)
    assert response.status_code == 422, text
    assert message in (error_beside(text, field) or ""), text
    assert "Er is niets opgeslagen." in text and "Uitkomst" not in text


def test_a_closed_offer_is_refused_beside_its_row(coordinator, session, scarce):
    closed = _closed(session, scarce["other"])
    response = coordinator.get(f"{URL}?aanbod_2={closed.id}&plaatsen_2=4")
    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), "aanbod_2") == (
        f"geen open aanbod met id {closed.id}")


def test_an_empty_question_asks_for_a_change(coordinator, scarce):
    response = coordinator.get(f"{URL}?aanbod_1=&plaatsen_1=&aanbieder=&domein=&extra=")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kies ten minste één aanbod met een aantal plaatsen, of een aanbieder met extra " \
           "plaatsen." in text
    assert "aria-invalid" not in text and "Verbeter de gemarkeerde velden" not in text


def test_what_was_asked_stays_in_the_form(coordinator, scarce):
    a, _, _ = scarce["courses"]
    text = coordinator.get(f"{URL}?aanbod_1={a.id}&plaatsen_1=-3&extra=7").get_data(as_text=True)
    assert re.search(rf'<option selected value="{a.id}">|<option value="{a.id}" selected>', text)
    assert 'value="-3"' in text and 'value="7"' in text


# Who may ask


@pytest.mark.parametrize("role", ["klantmanager", "partner"])
def test_the_page_is_for_the_coordinator_only(client, session, scarce, role):
    log_in(client, factories.user(session, role=role, password=PASSWORD))
    a, _, _ = scarce["courses"]
    for url in (URL, f"{URL}?aanbod_1={a.id}&plaatsen_1=3",
                f"{URL}?aanbieder={scarce['school'].id}&extra=3"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Geen toegang" in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_the_login_page(client, scarce):
    response = client.get(f"{URL}?aanbieder={scarce['school'].id}&extra=3")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen?next=")


# An id past what the database's integer holds (a hand-edited or fuzzed URL) reached the
# query and answered 500 (SQLite: OverflowError; PostgreSQL: out of range): now 422 naming
# the field, as any other id that is no choice.
@pytest.mark.parametrize("query, field", [
    ("aanbod_1=99999999999999999999999&plaatsen_1=5", "aanbod_1"),
    ("aanbieder=99999999999999999999999&extra=3", "aanbieder"),
    ("aanbod_1=2147483648&plaatsen_1=5", "aanbod_1"),
])
def test_an_id_past_the_databases_integers_is_refused_naming_the_field(coordinator, query,
                                                                        field):
    response = coordinator.get(f"/coordinator/wat-als?{query}")
    assert response.status_code == 422
    assert f'href="#{field}"' in response.get_data(as_text=True)
