"""The referrals behind a number: the coordinator's filtered list of referrals.

Every figure on the overview and the reports links here with the conditions
that make it up (``referrals_url``); the page says in words what it lists,
lets the coordinator change the filters and exports the list as CSV.
"""

from datetime import date

from flask import render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import IntegerField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, NumberRange, Optional

from models.coalition import Offer, Partner
from models.geography import Gemeente
from models.people import Inburgeraar
from models.reason_codes import REASON_CODE_LABELS
from models.referral import Referral
from models.referral_service import STATUS_LABELS
from models.reports.funnel import STAGES
from models.reports.referral_selection import Selection, selected_referrals
from models.vocabulary import REFERRAL_STATUSES
from web.audit import log_access
from web.extensions import db
from web.portal import choices
from web.portal.coordinator import bp
from web.portal.coordinator.csv_export import csv_response
from web.portal.coordinator.forms import DutchDateField, FilterForm
from web.portal.coordinator.tables import Table
from web.portal.filters import join_and
from web.portal.labels import DOMAIN_LABELS
from web.portal.listing import all_rows, paged, wants_csv

INVALID = 422
# Selection's fields → the page's query arguments.
ARGUMENTS = {
    "statuses": "status", "partner_id": "partner", "gemeente_id": "gemeente", "domain": "domein",
    "reason_code": "reden", "min_days": "min_dagen", "max_days": "max_dagen",
    "answered": "beantwoord", "steps": "stap", "step_from": "vanuit", "cohort_stage": "bereikt",
    "start": "van", "end": "tot",
}
STATUS_CHOICES = [SelectChoice(code, STATUS_LABELS[code]) for code in REFERRAL_STATUSES]
ONE_OF = "Kies een waarde uit de lijst."


class SelectionForm(FilterForm):
    status = SelectMultipleField("Status", choices=STATUS_CHOICES)
    partner = SelectField("Partner", default="")
    gemeente = SelectField("Gemeente van de inburgeraar", default="")
    domein = SelectField(
        "Domein", choices=choices.optional(choices.DOMAIN_CHOICES, "alle domeinen"), default="")
    reden = SelectField("Reden", choices=choices.optional(
        [SelectChoice(code, label) for code, label in REASON_CODE_LABELS.items()], "alle redenen"),
        default="")
    min_dagen = IntegerField("Ten minste dagen geleden verstuurd",
                             validators=[Optional(), NumberRange(min=0, max=10_000)])
    max_dagen = IntegerField("Ten hoogste dagen geleden verstuurd",
                             validators=[Optional(), NumberRange(min=0, max=10_000)])
    beantwoord = SelectField("Beantwoord", choices=[SelectChoice("", "alle"),
                                                               SelectChoice("ja", "beantwoord")],
                             default="")
    stap = SelectMultipleField("Stap in de periode", choices=STATUS_CHOICES)
    vanuit = SelectField("Vanuit", validators=[Optional(), AnyOf(
        ["", *REFERRAL_STATUSES], message=ONE_OF)], validate_choice=False)
    bereikt = SelectField("Ooit bereikt", validators=[Optional(), AnyOf(
        ["", *STAGES], message=ONE_OF)], validate_choice=False)
    van = DutchDateField("Van", validators=[Optional()])
    tot = DutchDateField("Tot en met", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if (self.stap.data or self.bereikt.data) and not (self.van.data and self.tot.data):
            self.van.errors = [*self.van.errors,
                               "Vul bij een stap de periode in (van en tot en met)."]
        if self.van.data and self.tot.data and self.tot.data < self.van.data:
            self.tot.errors = [*self.tot.errors, "De einddatum ligt vóór de begindatum."]
        return valid and not self.errors

    def selection(self) -> Selection:
        def number(value):
            return int(value) if value else None

        return Selection(
            statuses=tuple(self.status.data or ()),
            partner_id=number(self.partner.data), gemeente_id=number(self.gemeente.data),
            domain=self.domein.data or None, reason_code=self.reden.data or None,
            min_days=self.min_dagen.data, max_days=self.max_dagen.data,
            answered=self.beantwoord.data == "ja", steps=tuple(self.stap.data or ()),
            step_from=self.vanuit.data or None, cohort_stage=self.bereikt.data or None,
            start=self.van.data, end=self.tot.data,
        )


def referrals_url(**selection) -> str:
    """The list of the referrals behind a figure.

    ``referrals_url(partner_id=3, statuses=("sent",))``: the keywords are ``Selection``'s.
    """
    args = {}
    for name, value in selection.items():
        if value in (None, (), False):
            continue
        if name not in ARGUMENTS:
            raise TypeError(f"unknown selection {name!r}")
        if isinstance(value, bool):
            value = "ja"
        elif isinstance(value, date):
            value = value.isoformat()
        args[ARGUMENTS[name]] = list(value) if isinstance(value, tuple | list) else value
    return url_for("coordinator.referrals", **args)


SORTS = {
    "inburgeraar": (Inburgeraar.pseudonym,),
    "gemeente": (Gemeente.name,),
    "aanbod": (Offer.title,),
    "partner": (Partner.name,),
    "status": (Referral.status,),
    "verstuurd": (Referral.created_at,),
    "gewijzigd": (Referral.status_changed_at,),
}
ORDER = {"sorts": SORTS, "default": "gewijzigd", "default_descending": True,
         "tiebreak": Referral.id}


@bp.get("/verwijzingen/lijst")
def referrals():
    form = SelectionForm(request.args)
    _fill_choices(form)
    if not form.validate():
        return render_template("coordinator/referrals.html", form=form, listing=None), INVALID
    selection = form.selection()
    query = (selected_referrals(selection)
             .join(Partner, Partner.id == Offer.partner_id)
             .join(Inburgeraar, Inburgeraar.id == Referral.inburgeraar_id)
             .join(Gemeente, Gemeente.id == Inburgeraar.gemeente_id)
             .options(selectinload(Referral.inburgeraar).selectinload(Inburgeraar.gemeente),
                      selectinload(Referral.offer).selectinload(Offer.partner)))
    if wants_csv():
        rows = all_rows(db.session, query, **ORDER)
        log_access("list", [r.inburgeraar_id for r in rows])
        return csv_response(_table(rows))
    listing = paged(db.session, query, **ORDER)
    log_access("list", [r.inburgeraar_id for r in listing.rows])
    return render_template("coordinator/referrals.html", form=form, listing=listing,
                           described=describe(form, selection))


def _fill_choices(form: SelectionForm) -> None:
    partners = db.session.execute(select(Partner.id, Partner.name).order_by(Partner.name)).all()
    form.partner.choices = choices.optional(
        [SelectChoice(str(p.id), p.name) for p in partners], "alle partners")
    gemeenten = db.session.execute(select(Gemeente.id, Gemeente.name).order_by(Gemeente.name)).all()
    form.gemeente.choices = choices.optional(
        [SelectChoice(str(g.id), g.name) for g in gemeenten], "alle gemeenten")
    form.vanuit.choices = [SelectChoice("", "—"), *STATUS_CHOICES]
    form.bereikt.choices = [SelectChoice("", "—"), *(c for c in STATUS_CHOICES
                                                      if c.value in STAGES)]


def describe(form: SelectionForm, selection: Selection) -> str:
    """The selection in words: "Verwijzingen bij Taalschool Domstad, met status verstuurd"."""
    if selection.is_empty():
        return "Alle verwijzingen"
    label = {value: text for value, text, *_ in form.partner.iter_choices()}
    gemeente = {value: text for value, text, *_ in form.gemeente.iter_choices()}
    parts = []
    if selection.partner_id is not None:
        parts.append(f"bij {label[str(selection.partner_id)]}")
    if selection.gemeente_id is not None:
        parts.append(f"van inburgeraars uit {gemeente[str(selection.gemeente_id)]}")
    if selection.domain:
        parts.append(f"in het domein {DOMAIN_LABELS[selection.domain].lower()}")
    if selection.statuses:
        parts.append("met status " + " of ".join(STATUS_LABELS[s] for s in selection.statuses))
    if selection.reason_code:
        parts.append(f"met reden “{REASON_CODE_LABELS[selection.reason_code]}”")
    parts += _days(selection.min_days, selection.max_days)
    if selection.answered:
        parts.append("die de partner heeft beantwoord")
    period = (f"van {selection.start:%d-%m-%Y} tot en met {selection.end:%d-%m-%Y}"
              if selection.start and selection.end else "")
    if selection.steps:
        source = f"van {STATUS_LABELS[selection.step_from]} " if selection.step_from else ""
        steps = " of ".join(STATUS_LABELS[s] for s in selection.steps)
        parts.append(f"{source}naar {steps} gegaan {period}".strip())
    if selection.cohort_stage:
        parts.append(f"verstuurd {period} en ooit {STATUS_LABELS[selection.cohort_stage]}".strip())
    return "Verwijzingen " + join_and(parts)


def _days(low: int | None, high: int | None) -> list[str]:
    if low is not None and high is not None:
        return [f"{low} tot en met {high} dagen geleden verstuurd"]
    if low is not None:
        return [f"{low} dagen of langer geleden verstuurd"]
    if high is not None:
        return [f"hooguit {high} dagen geleden verstuurd"]
    return []


def _table(rows: list[Referral]) -> Table:
    return Table("verwijzingen", "Verwijzingen", [
        "Verwijzing", "Inburgeraar", "Gemeente", "Aanbod", "Partner", "Domein", "Status",
        "Reden", "Verstuurd", "Laatst gewijzigd",
    ], [[r.id, r.inburgeraar.pseudonym, r.inburgeraar.gemeente.name, r.offer.title,
         r.offer.partner.name, DOMAIN_LABELS[r.offer.domain], STATUS_LABELS[r.status],
         REASON_CODE_LABELS.get(r.reason_code, ""), r.created_at.date().isoformat(),
         r.status_changed_at.date().isoformat()] for r in rows])


bp.add_app_template_global(referrals_url, "referrals_url")
