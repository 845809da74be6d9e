"""The coordinator's pictures and CSV cells: colours, projection, sizes, layout, formatting."""

import math

import pytest

from models.reports.capacity import Cell
from web.portal.coordinator.charts import (
    HEAT_SCALE,
    KIND_COLOURS,
    TEXT_COLOUR,
    Projection,
    contrast_ratio,
    heat_of,
    network_layout,
    radius,
)
from web.portal.coordinator.csv_export import _cell


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("heat", HEAT_SCALE, ids=lambda h: h.key)
def test_every_heat_colour_keeps_text_readable(heat):
    assert contrast_ratio(TEXT_COLOUR, heat.background) >= 4.5


@pytest.mark.parametrize("kind", sorted(KIND_COLOURS))
def test_partner_colours_stand_out_against_white(kind):
    assert contrast_ratio(KIND_COLOURS[kind], "#ffffff") >= 3


@pytest.mark.parametrize(
    ("cell", "key"),
    [
        (Cell(0, 0), "leeg"),
        (Cell(0, 4), "alleen-aanbod"),
        (Cell(8, 1), "groot-tekort"),
        (Cell(8, 2), "tekort"),
        (Cell(8, 6), "bijna"),
        (Cell(8, 8), "genoeg"),
        (Cell(8, 20), "genoeg"),
    ],
)
def test_heat_follows_the_share_of_demand_covered(cell, key):
    assert heat_of(cell).key == key


def test_projection_fits_the_box_and_keeps_north_up():
    project = Projection.fitting([(51.9, 4.8), (52.3, 5.6)], width=720, margin=40)
    assert project(52.3, 4.8) == (40, 40)  # north-west corner
    x, y = project(51.9, 5.6)
    assert x == pytest.approx(680) and y == pytest.approx(project.height - 40, abs=0.1)
    # A degree of longitude is cos(latitude) as long as a degree of latitude.
    height = project.height - 80
    assert height / 640 == pytest.approx(0.4 / (0.8 * math.cos(math.radians(52.1))), rel=1e-3)


def test_circle_areas_are_proportional_to_the_value():
    assert radius(0, 10) == 0 and radius(3, 0) == 0
    assert radius(10, 10) == 26
    assert radius(25, 100) == pytest.approx(13)


def test_network_layout_is_repeatable_and_inside_the_drawing():
    ties = [(1, 2), (2, 3), (3, 1), (3, 4)]
    layout = network_layout([1, 2, 3, 4, 5], ties, width=300, height=200, margin=10)
    assert layout == network_layout([1, 2, 3, 4, 5], ties, width=300, height=200, margin=10)
    assert set(layout) == {1, 2, 3, 4, 5}
    assert all(10 <= x <= 290 and 10 <= y <= 190 for x, y in layout.values())
    # The partner without ties stands on the bottom row, the others above it.
    assert layout[5][1] == 190 and all(layout[n][1] <= 170 for n in (1, 2, 3, 4))
    assert network_layout([], []) == {}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (0.0, "0"),
        (0.1072, "0,1072"),
        (52.09, "52,09"),
        (5.0, "5"),
        (12, "12"),
        ("Utrecht – Zuid", "Utrecht – Zuid"),
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2", "'-2"),
    ],
)
def test_csv_cells_use_the_decimal_comma_and_defuse_formulas(value, text):
    assert _cell(value) == text
