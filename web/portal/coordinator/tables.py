"""The coordinator's tables, each with its Dutch caption and headers.

One definition serves the HTML page and its CSV export, so both always show
the same columns.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from models.reports.capacity import CapacityReport
from models.reports.funnel import STAGES, Funnel, exits_from
from models.reports.funnel_breakdown import GroupFunnel
from models.reports.network import NetworkReport
from models.reports.predictions import Group, PredictionReport
from models.vocabulary import DOMAINS
from web.portal.labels import DOMAIN_LABELS, PARTNER_KIND_LABELS, STATUS_LABELS

Value = str | int | float | None


@dataclass(frozen=True)
class Table:
    name: str  # for the CSV's file name
    caption: str
    headers: list[str]
    rows: list[list[Value]]
    # (row, column) → the URL of the referrals behind that figure (the page only, not the CSV).
    links: dict[tuple[int, int], str] = field(default_factory=dict)


def capacity_table(report: CapacityReport) -> Table:
    """Demand and free places, one row per area and domain."""
    return Table(
        "capaciteit-en-vraag",
        "Vraag en vrije plaatsen per gebied en domein",
        ["Gebied", "Gemeente", "Wijk", "Domein", "Vraag", "Vrije plaatsen", "Tekort"],
        [
            [
                row.area,
                row.gemeente,
                row.wijk or "",
                DOMAIN_LABELS[domain],
                cell.demand,
                cell.free,
                cell.shortage,
            ]
            for row in report.rows
            for domain, cell in ((d, row.cells[d]) for d in DOMAINS)
        ],
    )


# A figure's link: (the state moved into, or the exits; the state moved from) → URL.
FunnelLink = Callable[[tuple[str, ...], str | None], str]


def funnel_table(funnel: Funnel, exit_statuses: list[str], link: FunnelLink | None = None
                 ) -> Table:
    """Per stage: how many reached it in the period, and how many left from it, and why."""
    table = Table(
        f"verwijzingen-{funnel.start.isoformat()}-tot-{funnel.end.isoformat()}",
        f"Verwijzingen van {funnel.start:%d-%m-%Y} tot en met {funnel.end:%d-%m-%Y}",
        [
            "Fase",
            "Bereikt",
            *(f"Uitgevallen: {STATUS_LABELS[s]}" for s in exit_statuses),
            "Uitgevallen totaal",
        ],
        [
            [
                STATUS_LABELS[stage.status],
                stage.reached,
                *(_exit_count(stage, status) for status in exit_statuses),
                stage.left,
            ]
            for stage in funnel.stages
        ],
    )
    if link is not None:
        for i, stage in enumerate(funnel.stages):
            table.links[(i, 1)] = link((stage.status,), None)
            for j, status in enumerate(exit_statuses, start=2):
                table.links[(i, j)] = link((status,), stage.status)
            table.links[(i, 2 + len(exit_statuses))] = link(tuple(exits_from(stage.status)),
                                                              stage.status)
    return table


def funnel_by_table(groups: list[GroupFunnel], dimension: str, caption: str,
                    link: Callable[[GroupFunnel, tuple[str, ...]], str] | None = None) -> Table:
    """Per gemeente, partner or domain: how many reached each stage, and how many left."""
    heads = {"gemeente": "Gemeente", "partner": "Partner", "domain": "Domein"}
    exits = tuple(s for stage in STAGES for s in exits_from(stage))
    exits = tuple(dict.fromkeys(exits))
    table = Table(
        f"trechter-per-{dimension}", caption,
        [heads[dimension], *(STATUS_LABELS[s].capitalize() for s in STAGES), "Uitgevallen"],
        [[DOMAIN_LABELS.get(g.name, g.name) if dimension == "domain" else g.name,
          *(g.reached(s) for s in STAGES), sum(g.left(s) for s in STAGES)] for g in groups],
    )
    if link is not None:
        for i, group in enumerate(groups):
            for j, stage in enumerate(STAGES, start=1):
                table.links[(i, j)] = link(group, (stage,))
            table.links[(i, len(STAGES) + 1)] = link(group, exits)
    return table


def _exit_count(stage, status: str) -> int | None:
    """None where the lifecycle has no such exit from this stage (shown as a dash)."""
    counts = {e.status: e.count for e in stage.exits}
    return counts.get(status)


def partner_kinds_table(report: NetworkReport) -> Table:
    return Table(
        "partners-per-soort",
        "Partners per soort",
        ["Soort partner", "Aantal"],
        [[PARTNER_KIND_LABELS.get(k, k), n] for k, n in report.partners_by_kind.items()],
    )


def ties_table(report: NetworkReport) -> Table:
    return Table(
        "banden-per-soort",
        "Banden tussen partners, naar de soorten die ze verbinden",
        ["Tussen", "Aantal banden"],
        [[kind_pair_label(pair), n] for pair, n in report.ties_by_kinds.items()],
    )


def centrality_table(report: NetworkReport) -> Table:
    return Table(
        "centrale-partners",
        "Partners naar centraliteit: wie het netwerk verbindt",
        ["Rang", "Partner", "Soort", "Gemeente", "Aantal banden", "Tussenpositie"],
        [
            [
                rank,
                p.name,
                PARTNER_KIND_LABELS.get(p.kind, p.kind),
                p.gemeente,
                p.degree,
                p.betweenness,
            ]
            for rank, p in enumerate(report.centrality, start=1)
        ],
    )


def isolated_table(report: NetworkReport) -> Table:
    return Table(
        "partners-zonder-banden",
        "Partners zonder banden met andere partners",
        ["Partner", "Soort", "Gemeente"],
        [[p.name, PARTNER_KIND_LABELS.get(p.kind, p.kind), p.gemeente] for p in report.isolated],
    )


def map_table(report: CapacityReport, domain: str | None) -> Table:
    """The map's figures: per area its demand and free places, for one or every domain."""
    what = DOMAIN_LABELS[domain].lower() if domain else "alle domeinen"
    return Table(
        f"kaart-{domain or 'alle-domeinen'}",
        f"Vraag en vrije plaatsen per gebied ({what})",
        ["Gebied", "Vraag", "Vrije plaatsen", "Breedtegraad", "Lengtegraad"],
        [
            [row.area, cell.demand, cell.free, row.lat, row.lon]
            for row in report.rows
            for cell in [row.cells[domain] if domain else row.total]
        ],
    )


def kind_pair_label(pair: str) -> str:
    """The engine's edge kind (``"taalschool–werkgever"``) in Dutch words."""
    return " en ".join(PARTNER_KIND_LABELS.get(kind, kind) for kind in pair.split("–"))


PREDICTION_HEADERS = ["Verwijzingen", "Gegeven kans (gemiddeld)", "Afgerond",
                      "Brierscore"]


def _prediction_rows(groups: list[Group], label) -> list[list[Value]]:
    return [[label(g), g.count, f"{round(100 * g.chance)} %", f"{round(100 * g.rate)} %",
             round(g.brier, 3)] for g in groups]


def prediction_tables(report: PredictionReport) -> dict[str, Table]:
    """The chances given against what happened: per band of the chance, domain and partner."""
    return {
        "banden": Table("voorspelling-per-band", "Gegeven kans en uitkomst per band van de kans",
                        ["Gegeven kans", *PREDICTION_HEADERS],
                        _prediction_rows(report.bands, lambda g: g.label)),
        "domeinen": Table("voorspelling-per-domein", "Gegeven kans en uitkomst per domein",
                          ["Domein", *PREDICTION_HEADERS],
                          _prediction_rows(report.domains, lambda g: DOMAIN_LABELS[g.key])),
        "partners": Table("voorspelling-per-partner", "Gegeven kans en uitkomst per partner",
                          ["Partner", *PREDICTION_HEADERS],
                          _prediction_rows(report.partners, lambda g: g.label)),
    }
