"""The coalition network: partners by kind, ties, who is central, who stands alone.

All figures come from the engine's graph summary (``matching.graph_summary``):
degree is the number of ties a partner has; betweenness is the share of
shortest paths between two other partners that run through it, the measure
of a broker between otherwise separate parts of the coalition.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.coalition import Partner, Tie
from models.reports.summary import coalition_summary


@dataclass(frozen=True)
class PartnerFigures:
    partner_id: int
    name: str
    kind: str
    gemeente: str
    degree: int
    betweenness: float


@dataclass(frozen=True)
class NetworkReport:
    partners_by_kind: dict[str, int]
    ties_by_kinds: dict[str, int]
    # Most central first: by betweenness, then degree.
    centrality: list[PartnerFigures]
    component_sizes: list[int]
    isolated: list[PartnerFigures]
    # Each tie once, as a pair of partner ids, for drawing.
    ties: list[tuple[int, int]]

    @property
    def partners_total(self) -> int:
        return sum(self.partners_by_kind.values())

    @property
    def ties_total(self) -> int:
        return sum(self.ties_by_kinds.values())


def network_report(session: Session, summary: dict | None = None) -> NetworkReport:
    """The network's figures; ``summary`` (the engine's) saves rebuilding it."""
    summary = summary if summary is not None else coalition_summary(session)
    partners = {
        p.id: p for p in session.scalars(select(Partner).options(selectinload(Partner.gemeente)))
    }
    centrality = [
        PartnerFigures(
            partner_id=int(entry["partner_id"]),
            name=entry["name"],
            kind=entry["kind"],
            gemeente=partners[int(entry["partner_id"])].gemeente.name,
            degree=entry["degree"],
            betweenness=entry["betweenness"],
        )
        for entry in summary["centrality"]
    ]
    isolated_ids = {int(p) for p in summary["components"]["isolated"]}
    return NetworkReport(
        partners_by_kind=summary["nodes"]["by_kind"],
        ties_by_kinds=summary["edges"]["by_kinds"],
        centrality=centrality,
        component_sizes=summary["components"]["sizes"],
        isolated=sorted(
            (f for f in centrality if f.partner_id in isolated_ids), key=lambda f: f.name
        ),
        ties=_ties(session),
    )


def _ties(session: Session) -> list[tuple[int, int]]:
    rows = session.execute(select(Tie.partner_a_id, Tie.partner_b_id).order_by(Tie.id))
    return [(a, b) for a, b in rows]
