"""The portal's Dutch: plural forms, day parts in the order of the day, one way of percentages.

Before: "1 plaatsen", "vraag/vragen", day parts as stored ("avond, ochtend"),
"51 %" beside "100%".
"""

from web.portal.filters import count, dayparts, percent


def test_a_count_takes_the_singular_for_one_only():
    assert [count(n, "plaats", "plaatsen") for n in (0, 1, 2)] == [
        "0 plaatsen", "1 plaats", "2 plaatsen"]


def test_day_parts_read_in_the_order_of_the_day():
    assert dayparts(["weekend", "avond", "ochtend", "middag"]) == "ochtend, middag, avond, weekend"
    assert dayparts([]) == "—"


def test_percentages_are_written_one_way():
    assert (percent(0.514), percent(1.0), percent(0.0)) == ("51 %", "100 %", "0 %")
