"""The coalition: partners, the ties between them, and the offers they post."""

from datetime import date, datetime
from uuid import UUID, uuid4

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
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import true

from models.base import Base, now_utc
from models.geography import Gemeente
from models.vocabulary import DOMAINS, LEVELS, OFFER_KINDS, PARTNER_KINDS, in_set


class Partner(Base):
    """A coalition member. A ``mentor`` is one person: never published by name."""

    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable public id, used by the HSDS directory.
    uuid: Mapped[UUID] = mapped_column(Uuid, unique=True, default=uuid4)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), index=True)
    postcode: Mapped[str | None] = mapped_column(ForeignKey("postcode.pc4"))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    # A deactivated partner keeps its history; its offers are closed, its accounts shut out.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    gemeente: Mapped[Gemeente] = relationship()
    offers: Mapped[list["Offer"]] = relationship(back_populates="partner")

    __table_args__ = (
        CheckConstraint(in_set("kind", PARTNER_KINDS), name="kind"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
    )


class Tie(Base):
    """An undirected partner–partner edge, stored once with the lower id first."""

    __tablename__ = "tie"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_a_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    partner_b_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (
        UniqueConstraint("partner_a_id", "partner_b_id", name="uq_tie_pair"),
        CheckConstraint("partner_a_id < partner_b_id", name="ordered_pair"),
    )


class Offer(Base):
    """Capacity a partner posts: every field of the scenario contract's offer.

    ``capacity`` is the number of places in total; the free places are
    ``capacity`` less the referrals that hold one (see ``models.referral_service``).
    """

    __tablename__ = "offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid, unique=True, default=uuid4)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str | None] = mapped_column(String(32))
    capacity: Mapped[int]
    postcode: Mapped[str | None] = mapped_column(ForeignKey("postcode.pc4"))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    min_level: Mapped[str | None] = mapped_column(String(2))
    max_level: Mapped[str | None] = mapped_column(String(2))
    leerroutes: Mapped[list[str]] = mapped_column(JSON, default=list)
    schedule: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    women_only: Mapped[bool] = mapped_column(Boolean, default=False)
    childcare: Mapped[bool] = mapped_column(Boolean, default=False)
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    hours_per_week: Mapped[float | None] = mapped_column(Float)
    start: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    alfa: Mapped[bool] = mapped_column(Boolean, default=False)
    # A closed offer stays, with its referrals, for history and learning.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=now_utc, onupdate=now_utc
    )

    partner: Mapped[Partner] = relationship(back_populates="offers")

    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(in_set("domain", DOMAINS), name="domain"),
        CheckConstraint(f"kind IS NULL OR {in_set('kind', OFFER_KINDS)}", name="kind"),
        CheckConstraint(f"min_level IS NULL OR {in_set('min_level', LEVELS)}", name="min_level"),
        CheckConstraint(f"max_level IS NULL OR {in_set('max_level', LEVELS)}", name="max_level"),
        # Level codes sort as strings in their real order (A0 < A1 < ... < C1).
        CheckConstraint(
            "min_level IS NULL OR max_level IS NULL OR min_level <= max_level", name="level_range"
        ),
        CheckConstraint("min_age IS NULL OR min_age BETWEEN 0 AND 120", name="min_age"),
        CheckConstraint("max_age IS NULL OR max_age BETWEEN 0 AND 120", name="max_age"),
        CheckConstraint(
            "min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="age_range"
        ),
        CheckConstraint(
            "hours_per_week IS NULL OR hours_per_week BETWEEN 0 AND 60", name="hours_per_week"
        ),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
    )
