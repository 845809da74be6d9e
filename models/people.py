"""Inburgeraars and their needs.

Pseudonymous by design: no name, no BSN, no nationality, no religion. A
klantmanager knows who is behind a pseudonym from the gemeente's own case
system; Wegwijs holds only what matching and referral need.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from models.base import Base, now_utc
from models.geography import Gemeente
from models.vocabulary import DOMAINS, EDUCATION, GENDERS, LEERROUTES, LEVELS, in_set


class Inburgeraar(Base):
    __tablename__ = "inburgeraar"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), index=True)
    postcode: Mapped[str | None] = mapped_column(ForeignKey("postcode.pc4"))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_year: Mapped[int | None]
    arrived_on: Mapped[date | None] = mapped_column(Date)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    level: Mapped[str | None] = mapped_column(String(2))
    leerroute: Mapped[str | None] = mapped_column(String(16))
    education: Mapped[str | None] = mapped_column(String(16))
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    childcare_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    # A duaal traject: taal and werk side by side, so their places must fit in one week.
    duaal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    max_travel_km: Mapped[float | None] = mapped_column(Float)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    goals: Mapped[str | None] = mapped_column(Text)
    latin_literate: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the inburgering traject ended; the purge of personal data counts from here.
    traject_ended_on: Mapped[date | None] = mapped_column(Date)
    # Set by the purge (models/subject.py): the personal data is gone, the row stays for figures.
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=now_utc, onupdate=now_utc
    )

    gemeente: Mapped[Gemeente] = relationship()
    needs: Mapped[list["Need"]] = relationship(
        back_populates="inburgeraar", cascade="all, delete-orphan", order_by="Need.domain"
    )
    # The needs as the intake recorded them (models/inburgeraars.py), never changed after
    # (the purge deletes them): the forecast of arrivals (models/caseload.py) reads these,
    # not the needs of today.
    intake_needs: Mapped[list["IntakeNeed"]] = relationship(
        back_populates="inburgeraar", cascade="all, delete-orphan",
        order_by="IntakeNeed.domain",
    )
    # The PIP as DUO holds it (models/pip.py); none until the gemeente decides on one.
    pip: Mapped["Pip | None"] = relationship(  # noqa: F821 - declared in models.pip
        back_populates="inburgeraar", cascade="all, delete-orphan", uselist=False
    )

    __table_args__ = (
        CheckConstraint(f"gender IS NULL OR {in_set('gender', GENDERS)}", name="gender"),
        CheckConstraint(f"level IS NULL OR {in_set('level', LEVELS)}", name="level"),
        CheckConstraint(
            f"leerroute IS NULL OR {in_set('leerroute', LEERROUTES)}", name="leerroute"
        ),
        CheckConstraint(f"education IS NULL OR {in_set('education', EDUCATION)}", name="education"),
        CheckConstraint(
            "birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth_year"
        ),
        CheckConstraint("max_travel_km IS NULL OR max_travel_km > 0", name="max_travel_km"),
        CheckConstraint("length(pseudonym) > 0", name="pseudonym_not_empty"),
    )

    @property
    def needs_by_domain(self) -> dict[str, float]:
        return {need.domain: need.weight for need in self.needs}

    @property
    def intake_needs_by_domain(self) -> dict[str, float]:
        return {need.domain: need.weight for need in self.intake_needs}


class _DomainWeight:
    """Columns and rules of a need: one per person and domain, a weight above 0."""

    id: Mapped[int] = mapped_column(primary_key=True)
    inburgeraar_id: Mapped[int] = mapped_column(ForeignKey("inburgeraar.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(32))
    weight: Mapped[float] = mapped_column(Float)

    @declared_attr.directive
    def __table_args__(cls):
        return (
            UniqueConstraint("inburgeraar_id", "domain",
                             name=f"uq_{cls.__tablename__}_inburgeraar_domain"),
            CheckConstraint(in_set("domain", DOMAINS), name="domain"),
            CheckConstraint("weight > 0", name="weight_positive"),
        )


class Need(_DomainWeight, Base):
    """A need in one domain of the brede intake, with its priority weight (> 0)."""

    __tablename__ = "need"

    inburgeraar: Mapped[Inburgeraar] = relationship(back_populates="needs")


class IntakeNeed(_DomainWeight, Base):
    """A need as the intake recorded it: the snapshot that later edits of the needs leave be.

    Personal data like the needs: in the inzage export, deleted by the purge
    (models/subject.py).
    """

    __tablename__ = "intake_need"

    inburgeraar: Mapped[Inburgeraar] = relationship(back_populates="intake_needs")
