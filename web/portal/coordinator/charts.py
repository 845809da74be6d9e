"""Geometry and colours for the coordinator's pictures; the SVG itself is in the templates.

Pure functions on the reports' figures, no Flask: the heat map's colour
scale, the map's projection of the U16, and the network's layout.
"""

import math
from dataclasses import dataclass

import networkx as nx

from models.reports.capacity import Cell

TEXT_COLOUR = "#1a1a1a"


@dataclass(frozen=True)
class Heat:
    """One step of the heat map's scale: how far the free places cover the demand."""

    key: str
    label: str
    background: str


# Light backgrounds only, so dark text keeps well over the 4.5:1 contrast of
# WCAG 1.4.3; every cell also shows its figures, so colour is never the only cue.
HEAT_SCALE = (
    Heat("leeg", "geen vraag en geen plaatsen", "#ffffff"),
    Heat("groot-tekort", "minder dan een kwart van de vraag gedekt", "#f4b9b2"),
    Heat("tekort", "een kwart tot driekwart gedekt", "#fbd9a8"),
    Heat("bijna", "driekwart tot bijna alles gedekt", "#fff1a8"),
    Heat("genoeg", "genoeg vrije plaatsen voor de vraag", "#c6e8c9"),
    Heat("alleen-aanbod", "vrije plaatsen zonder vraag", "#cfe3f7"),
)
_HEAT = {heat.key: heat for heat in HEAT_SCALE}


def heat_of(cell: Cell) -> Heat:
    """The scale step of a cell, by the share of the demand the free places cover."""
    if cell.demand == 0:
        return _HEAT["alleen-aanbod" if cell.free else "leeg"]
    coverage = cell.free / cell.demand
    if coverage < 0.25:
        return _HEAT["groot-tekort"]
    if coverage < 0.75:
        return _HEAT["tekort"]
    if coverage < 1:
        return _HEAT["bijna"]
    return _HEAT["genoeg"]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@dataclass(frozen=True)
class Projection:
    """Equirectangular: longitude shrunk by cos(mid latitude), scaled to fit a box.

    Over the ~50 km of the U16 this keeps distances true to within a percent,
    which is all a map of circles needs.
    """

    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float
    width: float
    margin: float

    @classmethod
    def fitting(cls, points, width=720.0, margin=40.0) -> "Projection":
        lats = [lat for lat, _ in points]
        lons = [lon for _, lon in points]
        return cls(min(lats), max(lats), min(lons), max(lons), width, margin)

    @property
    def _x_factor(self) -> float:
        return math.cos(math.radians((self.lat_min + self.lat_max) / 2))

    @property
    def _scale(self) -> float:
        span = max((self.lon_max - self.lon_min) * self._x_factor, 1e-9)
        return (self.width - 2 * self.margin) / span

    @property
    def height(self) -> float:
        return (self.lat_max - self.lat_min) * self._scale + 2 * self.margin

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        x = self.margin + (lon - self.lon_min) * self._x_factor * self._scale
        y = self.margin + (self.lat_max - lat) * self._scale
        return round(x, 1), round(y, 1)


def radius(value: int, largest: int, max_radius: float = 26.0) -> float:
    """A circle's radius whose *area* is proportional to ``value`` (0 for nothing)."""
    if value <= 0 or largest <= 0:
        return 0.0
    return round(max_radius * math.sqrt(value / largest), 1)


def network_layout(
    partner_ids: list[int], ties: list[tuple[int, int]], width=720.0, height=480.0, margin=24.0
) -> dict[int, tuple[float, float]]:
    """Positions for drawing the coalition, the same on every request.

    Partners with ties get a spring layout over the drawing; partners without
    any stand in a row along the bottom, so they neither vanish into a corner
    nor squeeze the rest.
    """
    graph = nx.Graph()
    graph.add_nodes_from(partner_ids)
    graph.add_edges_from(ties)
    alone = [node for node in partner_ids if graph.degree(node) == 0]
    tied = graph.subgraph(node for node in partner_ids if graph.degree(node) > 0)
    bottom = height - margin
    network_bottom = bottom - 2 * margin if alone else bottom
    positions = (
        _fit(nx.spring_layout(tied, seed=2026), margin, width - margin, margin, network_bottom)
        if tied
        else {}
    )
    step = (width - 2 * margin) / max(len(alone), 1)
    positions.update(
        {node: (round(margin + step * (i + 0.5), 1), bottom) for i, node in enumerate(alone)}
    )
    return positions


def _fit(positions, left, right, top, bottom):
    """Scale a layout's coordinates into the box, each axis on its own."""
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {
        node: (
            round(left + (x - min(xs)) / span_x * (right - left), 1),
            round(top + (y - min(ys)) / span_y * (bottom - top), 1),
        )
        for node, (x, y) in positions.items()
    }


# Partner kinds in the network drawing: each at least 3:1 against white (WCAG 1.4.11).
KIND_COLOURS = {
    "taalschool": "#1f5fa8",
    "werkgever": "#b34700",
    "maatjesproject": "#2e7d32",
    "mentor": "#7b1fa2",
    "onderwijsinstelling": "#00796b",
    "welzijn": "#c2185b",
    "overig": "#5f5f5f",
}
