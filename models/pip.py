"""The PIP (persoonlijk plan inburgering en participatie) as DUO holds it, and DUO's rules on it.

The gemeente's decision on an inburgeraar's route (Wet inburgering 2021, art. 15),
with the fields DUO registers (``shared/standards/duo-pip.md``). The rules are
checked here, once, for the API and the portal alike (``pip_errors``); the ones a
database can hold are CHECKs as well. The matcher's scenario takes its leerroute
and ``latin_literate`` from the PIP (``scenario_leerroute``, ``needs_alfa``).
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.people import Inburgeraar
from models.vocabulary import in_set

PIP_LEERROUTES = ("B", "O", "Z")  # B1-route, onderwijsroute, zelfredzaamheidsroute
PIP_NIVEAUS = ("A2", "B1")
ALFABETISERING = ("A", "AA", "NVT")  # alfabetisering, uitgebreid, niet van toepassing
FIELDS = ("dagtekening", "leerroute", "niveau", "intensiteit_b1_uren", "alfabetisering")
MAX_UREN = 9999
# The scenario's leerroute (SCENARIO.md) for each of DUO's.
SCENARIO_LEERROUTE = {"B": "b1", "O": "onderwijs", "Z": "z"}


class Pip(Base):
    __tablename__ = "pip"

    id: Mapped[int] = mapped_column(primary_key=True)
    inburgeraar_id: Mapped[int] = mapped_column(
        ForeignKey("inburgeraar.id", ondelete="CASCADE"), unique=True
    )
    dagtekening: Mapped[date] = mapped_column(Date)
    leerroute: Mapped[str] = mapped_column(String(1))
    niveau: Mapped[str | None] = mapped_column(String(2))
    intensiteit_b1_uren: Mapped[int | None] = mapped_column(Integer)
    alfabetisering: Mapped[str] = mapped_column(String(3), default="NVT")

    inburgeraar: Mapped[Inburgeraar] = relationship(back_populates="pip")

    __table_args__ = (
        CheckConstraint(in_set("leerroute", PIP_LEERROUTES), name="leerroute"),
        CheckConstraint(f"niveau IS NULL OR {in_set('niveau', PIP_NIVEAUS)}", name="niveau"),
        CheckConstraint(in_set("alfabetisering", ALFABETISERING), name="alfabetisering"),
        CheckConstraint(
            f"intensiteit_b1_uren IS NULL OR intensiteit_b1_uren BETWEEN 1 AND {MAX_UREN}",
            name="intensiteit_range",
        ),
        # DUO's rules, as far as one row can hold them.
        CheckConstraint("NOT (niveau = 'A2' AND leerroute = 'O')", name="a2_not_onderwijs"),
        CheckConstraint("NOT (niveau = 'B1' AND leerroute = 'Z')", name="b1_not_z"),
        CheckConstraint(
            "intensiteit_b1_uren IS NULL OR leerroute = 'B'", name="intensiteit_only_b"
        ),
        CheckConstraint("niveau IS NOT NULL OR leerroute = 'Z'", name="niveau_recorded"),
    )

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


def pip_errors(values: Mapping[str, Any]) -> list[dict[str, str]]:
    """DUO's rules on a PIP's fields, each naming the field it concerns (``pip.<field>``).

    ``values`` are the fields as given (unknown values of a closed set are the
    caller's to refuse; here they simply match no rule).
    """
    errors = []
    leerroute, niveau = values.get("leerroute"), values.get("niveau")
    uren = values.get("intensiteit_b1_uren")
    for name in ("dagtekening", "leerroute"):
        if values.get(name) is None:
            errors.append(_error(name, "Dit veld is verplicht in een PIP."))
    if niveau == "A2" and leerroute == "O":
        errors.append(_error("niveau", "Niveau A2 kan niet bij de onderwijsroute (DUO)."))
    if niveau == "B1" and leerroute == "Z":
        errors.append(_error("niveau", "Niveau B1 kan niet bij de Z-route (DUO)."))
    if uren is not None and leerroute != "B":
        errors.append(_error(
            "intensiteit_b1_uren", "De geschatte intensiteit geldt alleen voor de B1-route (DUO)."
        ))
    elif uren is not None and not 1 <= uren <= MAX_UREN:
        errors.append(_error("intensiteit_b1_uren", f"Tussen 1 en {MAX_UREN} uur."))
    return errors


def recorded(values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields as DUO records them: with the B1- or onderwijsroute and no niveau, B1."""
    fields = {name: values.get(name) for name in FIELDS}
    if fields["niveau"] is None and fields["leerroute"] in ("B", "O"):
        fields["niveau"] = "B1"
    fields["alfabetisering"] = fields["alfabetisering"] or "NVT"
    return fields


def scenario_leerroute(pip: Pip | None, recorded_leerroute: str | None) -> str | None:
    """The matcher's leerroute: the PIP's when there is one."""
    return SCENARIO_LEERROUTE[pip.leerroute] if pip else recorded_leerroute


def scenario_latin_literate(pip: Pip | None, recorded_latin_literate: bool) -> bool:
    """Alfabetisering in the PIP (A or AA) means an alfabetiseringscursus fits."""
    if pip and pip.alfabetisering in ("A", "AA"):
        return False
    return recorded_latin_literate


def _error(field: str, message: str) -> dict[str, str]:
    return {"field": f"pip.{field}", "message": message}
