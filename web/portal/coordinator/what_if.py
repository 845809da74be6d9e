"""Wat als: the coordinator asks what more (or fewer) places at an offer would change.

Read-only: the form travels by GET and nothing is stored (``models.what_if``).
"""

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from models.coalition import Offer
from models.errors import InvalidInput
from models.matcher_cache import current_matcher
from models.what_if import what_if
from web.extensions import db
from web.portal.coordinator import bp
from web.portal.coordinator.forms import FilterForm
from web.portal.coordinator.tables import Table
from web.portal.labels import DOMAIN_LABELS

INVALID = 422


class WhatIfForm(FilterForm):
    aanbod = SelectField("Aanbod", coerce=int, validate_choice=False,
                         validators=[InputRequired("Kies een aanbod.")])
    plaatsen = IntegerField(
        "Aantal plaatsen in totaal",
        validators=[InputRequired("Vul een aantal plaatsen in."),
                    NumberRange(min=0, max=10_000, message="Vul een aantal van 0 tot 10.000 in.")],
    )


def _open_offers():
    return db.session.scalars(
        select(Offer).where(Offer.closed_at.is_(None)).options(selectinload(Offer.partner))
        .order_by(Offer.title, Offer.id)
    ).all()


@bp.get("/wat-als")
def what_if_page():
    offers = _open_offers()
    form = WhatIfForm(request.args)
    form.aanbod.choices = [(o.id, f"{o.partner.name} – {o.title} ({DOMAIN_LABELS[o.domain]}, "
                                  f"nu {o.capacity} plaatsen)") for o in offers]
    if not request.args:
        return render_template("coordinator/what_if.html", form=form, result=None)
    if not form.validate():
        return render_template("coordinator/what_if.html", form=form, result=None), INVALID
    try:
        result = what_if(db.session, [(form.aanbod.data, form.plaatsen.data)],
                         matcher=current_matcher(db.session))
    except InvalidInput as error:
        form.aanbod.errors = [e["message"] for e in error.errors]
        return render_template("coordinator/what_if.html", form=form, result=None), INVALID
    return render_template(
        "coordinator/what_if.html", form=form, result=result,
        domains=_table(result, "by_domain", "wat-als-per-domein", "Per domein",
                       lambda d: DOMAIN_LABELS.get(d, d)),
        areas=_table(result, "by_area", "wat-als-per-gebied", "Per wijk of gemeente", str),
        bars=_bars(result),
    )


def _table(result, key, name, caption, label):
    keys = sorted(set(result["before"][key]) | set(result["after"][key]), key=label)
    zero = {"served": 0, "unserved": 0}
    rows = []
    for k in keys:
        before, after = result["before"][key].get(k, zero), result["after"][key].get(k, zero)
        rows.append([label(k), before["served"], after["served"],
                     after["served"] - before["served"], before["unserved"], after["unserved"]])
    return Table(name, caption, ["", "Geholpen nu", "Geholpen daarna", "Verschil",
                                 "Niet geholpen nu", "Niet geholpen daarna"], rows)


def _bars(result):
    """Per domain with any need: served before and after, for the chart."""
    out = []
    for d, before in result["before"]["by_domain"].items():
        after = result["after"]["by_domain"].get(d, {"served": 0, "unserved": 0})
        out.append((DOMAIN_LABELS.get(d, d), before["served"], after["served"],
                    before["served"] + before["unserved"]))
    return out
