"""A person's maatje or mentor, as the portal records it, is what the matcher reads."""

import pytest

import factories
from models.errors import InvalidInput
from models.inburgeraars import update_inburgeraar
from models.matcher_cache import current_matcher
from models.matches import ranked
from models.unit_of_work import UnitOfWork


@pytest.fixture
def world(session):
    return {
        "km": factories.user(session, role="klantmanager"),
        "offer": factories.offer(session, min_level="A0", max_level="B1"),
        "person": factories.inburgeraar(session, level="A1"),
    }


def _give_mentor(session, world, partner):
    with UnitOfWork(session):
        update_inburgeraar(session, actor_id=world["km"].id, inburgeraar_id=world["person"].id,
                           changes={"mentor_id": partner.id}, needs=None)


@pytest.mark.parametrize("kind", ["maatjesproject", "mentor"])
def test_a_maatje_or_mentor_given_in_the_portal_is_the_persons_mentor_to_the_matcher(
        session, world, kind):
    maatje = factories.partner(session, kind=kind)
    _give_mentor(session, world, maatje)
    # Every ranking still works (the scenario is checked as a whole) ...
    assert [m.offer_id for m in ranked(session, world["person"].id, domain="taal", top=10)] == [
        str(world["offer"].id)]
    # ... and the person is anchored at their maatje.
    tables = current_matcher(session).tables
    row = tables.person_index[str(world["person"].id)]
    assert tables.anchors[row][0] == ("mentor", tables.partner_index[str(maatje.id)])


@pytest.mark.parametrize("partner", [{"kind": "taalschool"},
                                     {"kind": "maatjesproject", "active": False}])
def test_a_taalschool_or_a_deactivated_maatjesproject_is_no_mentor(session, world, partner):
    other = factories.partner(session, **partner)
    with pytest.raises(InvalidInput) as refused:
        _give_mentor(session, world, other)
    assert refused.value.errors == [{"field": "mentor_id", "message": (
        "Geen actief maatjesproject of actieve mentor met dit id.")}]
    session.refresh(world["person"])
    assert world["person"].mentor_id is None


@pytest.mark.parametrize("change", [{"active": False}, {"kind": "welzijn"}])
def test_a_mentor_deactivated_or_of_another_kind_since_anchors_no_one_and_breaks_nothing(
        session, world, change):
    maatje = factories.partner(session, kind="maatjesproject")
    _give_mentor(session, world, maatje)
    with UnitOfWork(session):
        for name, value in change.items():
            setattr(maatje, name, value)
    assert [m.offer_id for m in ranked(session, world["person"].id, domain="taal", top=10)] == [
        str(world["offer"].id)]
    tables = current_matcher(session).tables
    assert tables.anchors[tables.person_index[str(world["person"].id)]] == []
