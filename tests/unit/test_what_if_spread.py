"""A partner's extra places spread over its offers (``models.what_if.spread``): no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.what_if import ExtraPlaces, spread


def test_ten_places_over_three_offers_are_four_three_three_by_id():
    # Given in any order, the lowest id takes the one left over.
    assert spread(10, [12, 5, 9]) == {5: 4, 9: 3, 12: 3}
    assert list(spread(10, [12, 5, 9])) == [5, 9, 12]


def test_fewer_places_than_offers_go_to_the_lowest_ids():
    assert spread(2, [30, 10, 20]) == {10: 1, 20: 1, 30: 0}


def test_an_even_spread_gives_each_the_same():
    assert spread(9, [3, 1, 2]) == {1: 3, 2: 3, 3: 3}


def test_no_offers_to_spread_over_is_an_error():
    with pytest.raises(ValueError):
        spread(4, [])


@given(
    places=st.integers(min_value=0, max_value=10_000),
    offer_ids=st.sets(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=40),
)
def test_every_place_is_spread_and_no_two_offers_differ_by_more_than_one(places, offer_ids):
    shares = spread(places, list(offer_ids))
    assert sum(shares.values()) == places
    assert set(shares) == offer_ids
    assert max(shares.values()) - min(shares.values()) <= 1
    ordered = [shares[i] for i in sorted(offer_ids)]
    assert ordered == sorted(ordered, reverse=True)  # the one more goes to lower ids first


def test_a_share_becomes_the_places_in_total_for_what_if():
    assert ExtraPlaces(offer_id=7, title="NT2", capacity=12, extra=4).change == (7, 16)
