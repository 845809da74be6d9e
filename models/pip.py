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
from models.field_rules import past_date_errors
from models.people import Inburgeraar
from models.vocabulary import in_set

PIP_LEERROUTES = ("B", "O", "Z")  # B1-route, onderwijsroute, zelfredzaamheidsroute
PIP_NIVEAUS = ("A2", "B1")
ALFABETISERING = ("A", "AA", "NVT")  # alfabetisering, uitgebreid, niet van toepassing
FIELDS = ("dagtekening", "leerroute", "niveau", "intensiteit_b1_uren", "alfabetisering")
MAX_UREN = 9999
# DUO's rules, as data so the API's document states them too (web/api/schemas.py):
# a niveau never recorded with a leerroute, and the leerroute the hours belong to.
EXCLUDED = (
    ("A2", "O", "Niveau A2 kan niet bij de onderwijsroute (DUO)."),
    ("B1", "Z", "Niveau B1 kan niet bij de Z-route (DUO)."),
)
UREN_LEERROUTE = "B"
# An alfabetisering that means an alfabetiseringscursus fits: not literate in Latin script.
ALFA = ("A", "AA")
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


def pip_errors(values: Mapping[str, Any], prefix: str = "pip.") -> list[dict[str, str]]:
    """DUO's rules on a PIP's fields, each naming the field it concerns (``pip.<field>``),
    and its dagtekening, a decision taken, not after today.

    ``values`` are the fields as given (unknown values of a closed set, or values
    of the wrong type, are the caller's to refuse; here they simply match no rule).
    """
    errors = []
    leerroute, niveau = values.get("leerroute"), values.get("niveau")
    uren = values.get("intensiteit_b1_uren")
    for name in ("dagtekening", "leerroute"):
        if values.get(name) is None:
            errors.append(_error(name, "Dit veld is verplicht in een PIP."))
    errors += past_date_errors("dagtekening", values.get("dagtekening"))
    errors += [_error("niveau", message) for excluded_niveau, excluded_leerroute, message
               in EXCLUDED if (niveau, leerroute) == (excluded_niveau, excluded_leerroute)]
    if uren is not None and leerroute != UREN_LEERROUTE:
        errors.append(_error(
            "intensiteit_b1_uren", "De geschatte intensiteit geldt alleen voor de B1-route (DUO)."
        ))
    elif isinstance(uren, int) and not 1 <= uren <= MAX_UREN:
        errors.append(_error("intensiteit_b1_uren", f"Tussen 1 en {MAX_UREN} uur."))
    return [{**error, "field": prefix + error["field"]} for error in errors]


def recorded(values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields as DUO records them: with the B1- or onderwijsroute and no niveau, B1."""
    fields = {name: values.get(name) for name in FIELDS}
    if fields["niveau"] is None and fields["leerroute"] in ("B", "O"):
        fields["niveau"] = "B1"
    fields["alfabetisering"] = fields["alfabetisering"] or "NVT"
    return fields


def following_errors(person: Mapping[str, Any], pip: Mapping[str, Any]) -> list[dict[str, str]]:
    """The person's fields that follow from their PIP, given otherwise: the leerroute (leave
    it out), and literacy in Latin script where the PIP gives alfabetisering."""
    errors = []
    duo_route = pip.get("leerroute")
    leerroute = SCENARIO_LEERROUTE.get(duo_route) if isinstance(duo_route, str) else None
    if leerroute and person.get("leerroute") not in (None, leerroute):
        errors.append(_error(
            "leerroute",
            f"De leerroute volgt uit het PIP ({pip['leerroute']}): laat dit veld leeg.",
        ))
    if pip.get("alfabetisering") in ALFA and person.get("latin_literate"):
        errors.append(_error(
            "latin_literate",
            "Het PIP kent alfabetisering toe: niet geletterd in het Latijnse schrift.",
        ))
    return errors


def scenario_leerroute(pip: Pip | None, recorded_leerroute: str | None) -> str | None:
    """The matcher's leerroute: the PIP's when there is one."""
    return SCENARIO_LEERROUTE[pip.leerroute] if pip else recorded_leerroute


def scenario_latin_literate(pip: Pip | None, recorded_latin_literate: bool) -> bool:
    """Alfabetisering in the PIP (A or AA) means an alfabetiseringscursus fits."""
    if pip and pip.alfabetisering in ALFA:
        return False
    return recorded_latin_literate


def _error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}
