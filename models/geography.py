"""Gemeenten, wijken and PC4 postcodes of the regio Utrecht (U16)."""

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class Gemeente(Base):
    __tablename__ = "gemeente"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    cbs_code: Mapped[str] = mapped_column(String(4), unique=True)
    lat: Mapped[float]
    lon: Mapped[float]

    wijken: Mapped[list["Wijk"]] = relationship(back_populates="gemeente")

    __table_args__ = (CheckConstraint("length(cbs_code) = 4", name="cbs_code_4_digits"),)


class Wijk(Base):
    """One of the ten wijken of gemeente Utrecht."""

    __tablename__ = "wijk"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"))
    lat: Mapped[float]
    lon: Mapped[float]

    gemeente: Mapped[Gemeente] = relationship(back_populates="wijken")


class Postcode(Base):
    """A 4-digit postcode with its centroid; the wijk is approximate (see SOURCE.md)."""

    __tablename__ = "postcode"

    pc4: Mapped[str] = mapped_column(String(4), primary_key=True)
    lat: Mapped[float]
    lon: Mapped[float]
    place: Mapped[str] = mapped_column(String(80))
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), index=True)
    wijk_id: Mapped[int | None] = mapped_column(ForeignKey("wijk.id"), index=True)

    gemeente: Mapped[Gemeente] = relationship()
    wijk: Mapped[Wijk | None] = relationship()

    __table_args__ = (
        CheckConstraint("length(pc4) = 4 AND pc4 >= '1000' AND pc4 <= '9999'", name="pc4_format"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="wgs84"),
    )


def can_look_up(value: object) -> bool:
    """Whether a name or code from a body can be looked up: a string, not empty, without
    NUL. A body that failed validation reaches the lookups too (to name every bad field at
    once); PostgreSQL's text holds no NUL, and the body's own check names such a value."""
    return isinstance(value, str) and value != "" and "\x00" not in value
