"""Demand against free places, per area and domain.

Definitions (the engine's, see ``matching.coalition.graph_summary``):

- **area**: a wijk of gemeente Utrecht (``"Utrecht – Overvecht"``, by the
  PC4 of the person or offer, approximate) or one of the other U16
  gemeenten; ``"onbekend"`` when a place cannot be told.
- **demand** (vraag): the inburgeraars living there with a need (weight > 0)
  in the domain, whether or not they already have a referral.
- **free** (vrij): the free places of the open offers located there
  (capacity less the places held by sent, accepted and started referrals).

Every wijk and gemeente of the U16 gets a row, also when it has neither;
"Utrecht" on its own (a person in Utrecht without postcode) only when it has
figures.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.geography import Gemeente
from models.reports.summary import coalition_summary
from models.vocabulary import DOMAINS

UTRECHT = "Utrecht"


@dataclass(frozen=True)
class Cell:
    demand: int = 0
    free: int = 0

    @property
    def shortage(self) -> int:
        """People with a need beyond the free places (0 when there are enough)."""
        return max(self.demand - self.free, 0)

    def __add__(self, other: "Cell") -> "Cell":
        return Cell(self.demand + other.demand, self.free + other.free)


@dataclass(frozen=True)
class AreaRow:
    area: str
    gemeente: str
    wijk: str | None
    # The centroid (mean of the area's PC4 centroids); None for "onbekend".
    lat: float | None
    lon: float | None
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def total(self) -> Cell:
        return sum(self.cells.values(), Cell())


@dataclass(frozen=True)
class CapacityReport:
    rows: list[AreaRow]

    def domain_totals(self) -> dict[str, Cell]:
        return {d: sum((row.cells[d] for row in self.rows), Cell()) for d in DOMAINS}

    @property
    def total(self) -> Cell:
        return sum((row.total for row in self.rows), Cell())


def capacity_report(session: Session, summary: dict | None = None) -> CapacityReport:
    """Demand and free places per area and domain; ``summary`` saves rebuilding it."""
    summary = summary if summary is not None else coalition_summary(session)
    figures = {
        entry["area"]: {
            domain: Cell(values["demand"], values["free_capacity"])
            for domain, values in entry["domains"].items()
        }
        for entry in summary["areas"]
    }
    rows = [
        AreaRow(area, gemeente, wijk, lat, lon, _all_domains(figures.pop(area, {})))
        for area, gemeente, wijk, lat, lon in _known_areas(session)
    ]
    # Gemeente Utrecht as a whole holds only places whose wijk is unknown.
    rows = [row for row in rows if row.area != UTRECHT or row.total != Cell()]
    # Areas the geography does not list (a place outside the U16, or unknown).
    rows += [
        AreaRow(area, area.split(" – ")[0], None, None, None, _all_domains(cells))
        for area, cells in sorted(figures.items())
    ]
    return CapacityReport(rows)


def _all_domains(cells: dict[str, Cell]) -> dict[str, Cell]:
    return {d: cells.get(d, Cell()) for d in DOMAINS}


def _known_areas(session: Session):
    """The wijken of Utrecht, then the other gemeenten, alphabetically, with centroids."""
    gemeenten = session.scalars(
        select(Gemeente).options(selectinload(Gemeente.wijken)).order_by(Gemeente.name)
    ).all()
    for gemeente in gemeenten:
        if gemeente.name == UTRECHT:
            for wijk in sorted(gemeente.wijken, key=lambda w: w.name):
                yield f"{UTRECHT} – {wijk.name}", UTRECHT, wijk.name, wijk.lat, wijk.lon
    for gemeente in gemeenten:
        yield gemeente.name, gemeente.name, None, gemeente.lat, gemeente.lon
