"""The portal's one way of writing percentages, plurals and enumerations."""

from web.portal.filters import count, join_and, percent


def test_a_percentage_is_written_one_way():
    assert percent(0.514) == "51 %"
    assert percent(1) == "100 %"
    assert percent(None) == "—"


def test_a_count_takes_the_singular_only_for_one():
    assert count(1, "plaats", "plaatsen") == "1 plaats"
    assert count(0, "plaats", "plaatsen") == "0 plaatsen"
    assert count(5, "vraag krijgt", "vragen krijgen") == "5 vragen krijgen"


def test_an_enumeration_ends_with_en():
    assert join_and([]) == ""
    assert join_and(["49 partners"]) == "49 partners"
    assert join_and(["49 partners", "1 partner"]) == "49 partners en 1 partner"
    assert join_and(["a", "b", "c"]) == "a, b en c"
