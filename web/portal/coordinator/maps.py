"""The U16 map: PC4 centroids as the land, circles for demand and free places per area."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.geography import Gemeente, Postcode
from models.reports.capacity import CapacityReport, Cell
from web.portal.coordinator.charts import Projection, radius


@dataclass(frozen=True)
class Spot:
    area: str
    x: float
    y: float
    demand: int
    free: int
    demand_r: float
    free_r: float


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float


@dataclass(frozen=True)
class MapPicture:
    width: float
    height: float
    # Every PC4 centroid of the U16: dots that draw the region's shape.
    dots: list[tuple[float, float]]
    spots: list[Spot]
    labels: list[Label]
    # Areas with figures but no place on the map ("onbekend").
    unplaced: list[str]


def u16_map(session: Session, report: CapacityReport, domain: str | None) -> MapPicture:
    """The map of ``report`` for one domain, or all domains together when ``domain`` is None."""
    postcodes = session.execute(select(Postcode.lat, Postcode.lon)).all()
    project = Projection.fitting([(lat, lon) for lat, lon in postcodes])
    cells = [(row, row.cells[domain] if domain else row.total) for row in report.rows]
    largest = max((max(c.demand, c.free) for _, c in cells), default=0)
    spots = [
        Spot(
            row.area,
            *project(row.lat, row.lon),
            cell.demand,
            cell.free,
            radius(cell.demand, largest),
            radius(cell.free, largest),
        )
        for row, cell in cells
        if row.lat is not None and row.lon is not None
    ]
    labels = [
        Label(g.name, *project(g.lat, g.lon))
        for g in session.scalars(select(Gemeente).order_by(Gemeente.name))
    ]
    return MapPicture(
        width=project.width,
        height=round(project.height, 1),
        dots=[project(lat, lon) for lat, lon in postcodes],
        spots=spots,
        labels=labels,
        unplaced=[row.area for row, cell in cells if row.lat is None and cell != Cell()],
    )
