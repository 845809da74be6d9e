"""Load the U16 geography (gemeenten, wijken of Utrecht, PC4 centroids).

Every file is read and checked before anything is written, and the whole load
is one transaction: a corrupt file stops it with its name and line, and the
database is left as it was. Loading twice changes nothing.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import matching
from models import Gemeente, Postcode, Wijk
from models.unit_of_work import UnitOfWork
from seeds.errors import SeedError

DATA_DIR = Path(__file__).parent / "data"
# The gemeenten and wijken are the engine's own files (one copy, in matching/geodata).
GEODATA_DIR = Path(matching.__file__).parent / "geodata"
UTRECHT = "Utrecht"


@dataclass(frozen=True)
class Geography:
    gemeenten: list[dict]
    wijken: list[dict]
    postcodes: list[dict]


def read_geography(data_dir: Path = DATA_DIR, geodata_dir: Path = GEODATA_DIR) -> Geography:
    """Parse and check the three CSV files; raise SeedError naming file and line."""
    gemeenten = [
        {
            "name": _text(row, "municipality", where),
            "cbs_code": _digits(row, "cbs_code", 4, where),
            "lat": _number(row, "lat_mean_pc4", where, -90, 90),
            "lon": _number(row, "lon_mean_pc4", where, -180, 180),
        }
        for row, where in _rows(geodata_dir / "municipalities_u16.csv")
    ]
    names = {g["name"] for g in gemeenten}
    postcodes = []
    for row, where in _rows(data_dir / "pc4_u16.csv"):
        municipality = _text(row, "municipality", where)
        if municipality not in names:
            raise SeedError(f"{where}: municipality {municipality!r} is not a U16 gemeente")
        postcodes.append(
            {
                "pc4": _digits(row, "postcode", 4, where),
                "lat": _number(row, "lat", where, -90, 90),
                "lon": _number(row, "lon", where, -180, 180),
                "place": _text(row, "place", where),
                "gemeente": municipality,
            }
        )
    known_pc4 = {p["pc4"] for p in postcodes}
    wijken = []
    for row, where in _rows(geodata_dir / "utrecht_wijken.csv"):
        pc4s = _text(row, "pc4_used", where).split()
        for pc4 in pc4s:
            if pc4 not in known_pc4:
                raise SeedError(f"{where}: pc4_used names {pc4!r}, which is not a U16 postcode")
        wijken.append(
            {
                "name": _text(row, "wijk", where),
                "lat": _number(row, "lat", where, -90, 90),
                "lon": _number(row, "lon", where, -180, 180),
                "pc4s": pc4s,
            }
        )
    return Geography(gemeenten, wijken, postcodes)


def load_geography(
    session: Session, data_dir: Path = DATA_DIR, geodata_dir: Path = GEODATA_DIR
) -> dict[str, int]:
    """Insert what is missing, update what changed; commit once. Returns row counts."""
    geography = read_geography(data_dir, geodata_dir)
    with UnitOfWork(session):
        by_name = _upsert_gemeenten(session, geography.gemeenten)
        wijk_of_pc4 = _upsert_wijken(session, geography.wijken, by_name[UTRECHT])
        _upsert_postcodes(session, geography.postcodes, by_name, wijk_of_pc4)
    return {
        "gemeenten": len(geography.gemeenten),
        "wijken": len(geography.wijken),
        "postcodes": len(geography.postcodes),
    }


def _upsert_gemeenten(session: Session, rows: list[dict]) -> dict[str, Gemeente]:
    existing = {g.name: g for g in session.scalars(select(Gemeente))}
    for row in rows:
        gemeente = existing.get(row["name"]) or Gemeente(name=row["name"])
        gemeente.cbs_code, gemeente.lat, gemeente.lon = row["cbs_code"], row["lat"], row["lon"]
        session.add(gemeente)
        existing[row["name"]] = gemeente
    session.flush()
    return existing


def _upsert_wijken(session: Session, rows: list[dict], utrecht: Gemeente) -> dict[str, Wijk]:
    existing = {w.name: w for w in session.scalars(select(Wijk))}
    wijk_of_pc4 = {}
    for row in rows:
        wijk = existing.get(row["name"]) or Wijk(name=row["name"])
        wijk.gemeente, wijk.lat, wijk.lon = utrecht, row["lat"], row["lon"]
        session.add(wijk)
        for pc4 in row["pc4s"]:
            wijk_of_pc4[pc4] = wijk
    session.flush()
    return wijk_of_pc4


def _upsert_postcodes(session, rows, by_name, wijk_of_pc4) -> None:
    existing = {p.pc4: p for p in session.scalars(select(Postcode))}
    for row in rows:
        postcode = existing.get(row["pc4"]) or Postcode(pc4=row["pc4"])
        postcode.lat, postcode.lon, postcode.place = row["lat"], row["lon"], row["place"]
        postcode.gemeente = by_name[row["gemeente"]]
        postcode.wijk = wijk_of_pc4.get(row["pc4"])
        session.add(postcode)
    session.flush()


def _rows(path: Path):
    """Yield each data row with its location, ``file:line``, for messages."""
    if not path.exists():
        raise SeedError(f"{path}: file not found")
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        for row in reader:
            where = f"{path.name}:{reader.line_num}"
            if None in row or any(value is None for value in row.values()):
                raise SeedError(f"{where}: expected {len(reader.fieldnames)} columns")
            yield row, where


def _text(row: dict, column: str, where: str) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise SeedError(f"{where}: column {column!r} is empty or missing")
    return value


def _digits(row: dict, column: str, length: int, where: str) -> str:
    value = _text(row, column, where)
    if len(value) != length or not value.isdigit():
        raise SeedError(f"{where}: {column} {value!r} is not {length} digits")
    return value


def _number(row: dict, column: str, where: str, low: float, high: float) -> float:
    value = _text(row, column, where)
    try:
        number = float(value)
    except ValueError:
        raise SeedError(f"{where}: {column} {value!r} is not a number") from None
    if not low <= number <= high:
        raise SeedError(f"{where}: {column} {number} is outside [{low}, {high}]")
    return number
