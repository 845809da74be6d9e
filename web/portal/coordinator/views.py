"""The coordinator's pages and their CSV exports; the figures come from models.reports."""

from flask import abort, render_template, request
from werkzeug.datastructures import MultiDict

from models.referral import Referral
from models.reports.capacity import capacity_report
from models.reports.cohort import referral_cohort
from models.reports.funnel import STAGES, exits_from, referral_funnel
from models.reports.funnel_breakdown import funnel_by
from models.reports.network import network_report
from models.reports.predictions import prediction_report
from models.reports.proposal import proposal_counts
from models.reports.referral_selection import Selection, selected_referrals
from models.vocabulary import DOMAINS
from web.extensions import db
from web.portal.coordinator import bp, charts, tables
from web.portal.coordinator.csv_export import csv_response
from web.portal.coordinator.forms import DomainForm, FunnelForm, PeriodForm, fill_scope_choices
from web.portal.coordinator.maps import u16_map
from web.portal.coordinator.referrals import referrals_url

INVALID = 422


@bp.get("/capaciteit")
def capacity():
    report = capacity_report(db.session)
    return render_template(
        "coordinator/capacity.html",
        report=report,
        domains=DOMAINS,
        heat_of=charts.heat_of,
        heat_scale=charts.HEAT_SCALE,
    )


@bp.get("/capaciteit.csv")
def capacity_csv():
    return csv_response(tables.capacity_table(capacity_report(db.session)))


@bp.get("/verwijzingen")
def funnel():
    form = _period_form()
    if not form.validate():
        return render_template("coordinator/funnel.html", form=form, funnel=None), INVALID
    start, end, scope = form.van.data, form.tot.data, form.scope()
    ids = selected_referrals(scope).with_only_columns(Referral.id) if not scope.is_empty() else None
    funnel = referral_funnel(db.session, start, end, ids)

    def link(steps, step_from):
        return referrals_url(steps=steps, step_from=step_from, start=start, end=end,
                             **_scope_args(scope))

    def group_link(dimension):
        return lambda group, steps: referrals_url(
            steps=steps, start=start, end=end,
            **{**_scope_args(scope), DIMENSION_ARGS[dimension]: group.key})

    return render_template(
        "coordinator/funnel.html",
        form=form,
        funnel=funnel,
        table=tables.funnel_table(funnel, _exit_statuses(), link),
        cohort=referral_cohort(db.session, start, end, ids),
        cohort_link=lambda stage: referrals_url(cohort_stage=stage, start=start, end=end,
                                                **_scope_args(scope)),
        breakdowns=[
            tables.funnel_by_table(funnel_by(db.session, start, end, dimension, ids), dimension,
                                   caption, group_link(dimension))
            for dimension, caption in BREAKDOWNS if DIMENSION_ARGS[dimension] not in
            {k for k, v in _scope_args(scope).items() if v is not None}
        ],
        proposal=proposal_counts(db.session, start=start, end=end),
    )


# The funnel per group, each group's figures linking to its referrals.
BREAKDOWNS = (("gemeente", "Per gemeente van de inburgeraar"), ("partner", "Per partner"),
              ("domain", "Per domein"))
DIMENSION_ARGS = {"gemeente": "gemeente_id", "partner": "partner_id", "domain": "domain"}


def _scope_args(scope: Selection) -> dict:
    return {"partner_id": scope.partner_id, "gemeente_id": scope.gemeente_id,
            "domain": scope.domain}


@bp.get("/verwijzingen.csv")
def funnel_csv():
    form = _period_form()
    if not form.validate():
        return render_template("coordinator/funnel.html", form=form, funnel=None), INVALID
    scope = form.scope()
    ids = selected_referrals(scope).with_only_columns(Referral.id) if not scope.is_empty() else None
    funnel = referral_funnel(db.session, form.van.data, form.tot.data, ids)
    # The file name carries the period already.
    return csv_response(tables.funnel_table(funnel, _exit_statuses()), dated=False)


NETWORK_TABLES = {
    "soorten": tables.partner_kinds_table,
    "banden": tables.ties_table,
    "centraliteit": tables.centrality_table,
    "zonder-banden": tables.isolated_table,
}


@bp.get("/netwerk")
def network():
    report = network_report(db.session)
    layout = charts.network_layout([p.partner_id for p in report.centrality], report.ties)
    return render_template(
        "coordinator/network.html",
        report=report,
        tables={name: build(report) for name, build in NETWORK_TABLES.items()},
        layout=layout,
        kind_colours=charts.KIND_COLOURS,
    )


@bp.get("/netwerk/<name>.csv")
def network_csv(name):
    if name not in NETWORK_TABLES:
        abort(404)
    return csv_response(NETWORK_TABLES[name](network_report(db.session)))


@bp.get("/kaart", endpoint="map")
def map_page():
    form = DomainForm(request.args)
    if not form.validate():
        return render_template("coordinator/map.html", form=form, picture=None), INVALID
    domain = form.domein.data or None
    report = capacity_report(db.session)
    return render_template(
        "coordinator/map.html",
        form=form,
        domain=domain,
        picture=u16_map(db.session, report, domain),
        table=tables.map_table(report, domain),
    )


@bp.get("/kaart.csv")
def map_csv():
    form = DomainForm(request.args)
    if not form.validate():
        return render_template("coordinator/map.html", form=form, picture=None), INVALID
    report = capacity_report(db.session)
    return csv_response(tables.map_table(report, form.domein.data or None))


PREDICTION_TABLES = ("banden", "domeinen", "partners")


@bp.get("/voorspellingen")
def predictions():
    report = prediction_report(db.session)
    return render_template(
        "coordinator/predictions.html",
        report=report,
        tables=tables.prediction_tables(report),
    )


@bp.get("/voorspellingen/<name>.csv")
def predictions_csv(name):
    if name not in PREDICTION_TABLES:
        abort(404)
    return csv_response(tables.prediction_tables(prediction_report(db.session))[name])


def _period_form() -> FunnelForm:
    """The period asked for, or the last 90 days when the page opens without one."""
    asked = "van" in request.args or "tot" in request.args
    args = request.args if asked else MultiDict({**PeriodForm.defaults(), **request.args})
    form = FunnelForm(args)
    fill_scope_choices(form)
    return form


def _exit_statuses() -> list[str]:
    """Every way out of the funnel, in the order of the stages they leave."""
    seen: list[str] = []
    for stage in STAGES:
        seen += [s for s in exits_from(stage) if s not in seen]
    return seen
