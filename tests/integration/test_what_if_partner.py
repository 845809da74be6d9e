"""A partner's extra places for the what-if (``models.what_if.partner_extra_places``)."""

from datetime import UTC, datetime

import pytest

import factories
from models.errors import InvalidInput
from models.what_if import ExtraPlaces, partner_extra_places, what_if


@pytest.fixture
def school(session):
    school = factories.partner(session, name="Taalschool Spreiding (fictief)")
    for title, capacity in (("A", 2), ("B", 0), ("C", 5)):
        factories.offer(session, partner=school, title=f"Cursus {title}", capacity=capacity)
    factories.offer(session, partner=school, title="Ontmoeting", domain="sociaal_netwerk",
                    kind="activiteit", capacity=1)
    closed = factories.offer(session, partner=school, title="Gesloten", capacity=4)
    closed.closed_at = datetime.now(UTC)
    factories.offer(session, title="Van een ander", capacity=3)
    session.commit()
    return school


def offers_of(school, title):
    return next(o for o in school.offers if o.title == title)


def test_ten_places_over_three_courses_are_four_three_three_by_id(session, school):
    shares = partner_extra_places(session, school.id, 10, domain="taal")
    a, b, c = (offers_of(school, f"Cursus {t}") for t in "ABC")
    assert shares == [ExtraPlaces(a.id, "Cursus A", 2, 4), ExtraPlaces(b.id, "Cursus B", 0, 3),
                      ExtraPlaces(c.id, "Cursus C", 5, 3)]
    assert [share.change for share in shares] == [(a.id, 6), (b.id, 3), (c.id, 8)]


def test_without_a_domain_every_open_offer_shares_and_closed_ones_do_not(session, school):
    shares = partner_extra_places(session, school.id, 10)
    assert [s.title for s in shares] == ["Cursus A", "Cursus B", "Cursus C", "Ontmoeting"]
    assert [s.extra for s in shares] == [3, 3, 2, 2]


def test_the_domain_filter_keeps_only_that_domains_offers(session, school):
    shares = partner_extra_places(session, school.id, 3, domain="sociaal_netwerk")
    assert [(s.title, s.extra) for s in shares] == [("Ontmoeting", 3)]


@pytest.mark.parametrize("domain, field, message", [
    (None, "partner_id", "Zonder (fictief) heeft geen open aanbod"),
    ("taal", "partner_id", "Zonder (fictief) heeft geen open aanbod"),
])
def test_a_partner_without_open_offers_is_refused_naming_the_field(session, domain, field,
                                                                    message):
    empty = factories.partner(session, name="Zonder (fictief)")
    closed = factories.offer(session, partner=empty, capacity=2)
    closed.closed_at = datetime.now(UTC)
    session.commit()
    with pytest.raises(InvalidInput) as refused:
        partner_extra_places(session, empty.id, 4, domain=domain)
    assert refused.value.errors == [{"field": field, "message": message}]


def test_no_open_offer_in_the_domain_names_the_domain(session, school):
    with pytest.raises(InvalidInput) as refused:
        partner_extra_places(session, school.id, 4, domain="werk")
    assert refused.value.errors == [{
        "field": "domain", "message": "Taalschool Spreiding (fictief) heeft geen open aanbod in "
                                      "dit domein"}]


def test_an_unknown_partner_domain_or_too_few_places_is_refused(session, school):
    with pytest.raises(InvalidInput) as refused:
        partner_extra_places(session, 999_999, 0, domain="mars")
    assert [e["field"] for e in refused.value.errors] == ["partner_id", "domain", "places"]


def test_a_partners_extra_places_never_serve_fewer(session, school):
    for _ in range(14):  # ten taal places now: 2 + 0 + 5 at the school, 3 elsewhere
        factories.inburgeraar(session, needs={"taal": 2})
    served = [what_if(session, [s.change for s in partner_extra_places(
        session, school.id, places, domain="taal")])["after"]["by_domain"]["taal"]["served"]
        for places in (1, 2, 4, 8)]
    assert served == [11, 12, 14, 14]
