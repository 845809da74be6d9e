"""The gemeente's inburgeraars: search, filter, sort, page and export; the brede intake."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from models import access
from models.errors import DomainError
from models.geography import Postcode, Wijk
from models.inburgeraars import create_inburgeraar, intake_errors, update_inburgeraar
from models.people import Inburgeraar, Need
from models.pip import Pip
from models.referral import Referral
from models.referral_service import STATUS_LABELS
from web.audit import log_access
from web.extensions import db
from web.portal import choices, labels
from web.portal.coordinator.csv_export import csv_response
from web.portal.coordinator.tables import Table
from web.portal.forms import PortalForm
from web.portal.intake_form import IntakeForm
from web.portal.klantmanager import bp
from web.portal.listing import INVALID_FILTER, all_rows, paged, wants_csv
from web.portal.security import actor_id

YES_NO = [SelectChoice("ja", "ja"), SelectChoice("nee", "nee")]
NOT_REFERRED = "geen"
STATUS_FILTER_CHOICES = [
    SelectChoice(NOT_REFERRED, "nog niet verwezen"),
    *[SelectChoice(code, label) for code, label in STATUS_LABELS.items()],
]


class SearchForm(PortalForm):
    q = StringField("Zoek op pseudoniem", validators=[Optional(), Length(max=16)])
    # default "": a filter left out of the query string means "all".
    domain = SelectField(
        "Vraag in domein", choices=choices.optional(choices.DOMAIN_CHOICES, "alle domeinen"),
        default="",
    )
    level = SelectField(
        "Taalniveau", choices=choices.optional(choices.LEVEL_CHOICES, "alle niveaus"), default=""
    )
    leerroute = SelectField(
        "Leerroute", choices=choices.optional(choices.LEERROUTE_CHOICES, "alle leerroutes"),
        default="",
    )
    status = SelectField(
        "Laatste verwijzing", choices=choices.optional(STATUS_FILTER_CHOICES, "alle"), default="",
    )
    pip = SelectField("PIP vastgesteld", choices=choices.optional(YES_NO, "alle"), default="")
    duaal = SelectField("Duaal traject", choices=choices.optional(YES_NO, "alle"), default="")
    wijk = SelectField("Wijk", choices=choices.optional([], "alle wijken"), default="")
    postcode = StringField("Postcode", validators=[Optional(), Length(max=4)])


# The status of a person's newest referral: one correlated subquery, so it sorts and filters.
LATEST_STATUS = (
    select(Referral.status).where(Referral.inburgeraar_id == Inburgeraar.id)
    .order_by(Referral.created_at.desc(), Referral.id.desc()).limit(1)
    .correlate(Inburgeraar).scalar_subquery()
)
SORTS = {
    "pseudoniem": (Inburgeraar.pseudonym,),
    "postcode": (Inburgeraar.postcode,),
    "niveau": (Inburgeraar.level,),
    "leerroute": (Inburgeraar.leerroute,),
    "duaal": (Inburgeraar.duaal,),
    "pip": (Pip.dagtekening,),
    "status": (LATEST_STATUS,),
}


@bp.get("/inburgeraars")
def inburgeraars():
    user = access.get_actor(db.session, actor_id())
    form = SearchForm(request.args, meta={"csrf": False})
    wijken = db.session.scalars(
        select(Wijk).where(Wijk.gemeente_id == user.gemeente_id).order_by(Wijk.name)
    ).all()
    form.wijk.choices = choices.optional(
        [SelectChoice(str(w.id), w.name) for w in wijken], "alle wijken"
    )
    query = (
        access.inburgeraars_visible_to(user)
        .outerjoin(Pip, Pip.inburgeraar_id == Inburgeraar.id)
        .add_columns(LATEST_STATUS.label("status"), Pip.dagtekening, Pip.leerroute)
        .options(selectinload(Inburgeraar.needs))
    )
    if not form.validate():
        # A filter refused lists (and exports) no one: never every row as if filtered.
        return render_template("klantmanager/inburgeraars.html", form=form, listing=None,
                               has_wijken=bool(wijken)), INVALID_FILTER
    query = _filtered(query, form)
    order = {"sorts": SORTS, "default": "pseudoniem", "tiebreak": Inburgeraar.id}
    if wants_csv():
        rows = all_rows(db.session, query, **order)
        log_access("list", [row.Inburgeraar.id for row in rows])
        return csv_response(people_table(rows))
    listing = paged(db.session, query, **order)
    log_access("list", [row.Inburgeraar.id for row in listing.rows])
    return render_template(
        "klantmanager/inburgeraars.html", form=form, listing=listing, has_wijken=bool(wijken),
    )


def people_table(rows) -> Table:
    """The list as the klantmanager keeps it in a spreadsheet: every row the filters leave."""
    return Table(
        "inburgeraars", "Inburgeraars",
        ["Pseudoniem", "Postcode", "Taalniveau", "Leerroute", "Duaal", "PIP-dagtekening",
         "PIP-leerroute", "Laatste verwijzing", "Vraag (gewicht)"],
        [
            [row.Inburgeraar.pseudonym, row.Inburgeraar.postcode, row.Inburgeraar.level,
             labels.LEERROUTE_NAMES.get(row.Inburgeraar.leerroute, ""),
             "ja" if row.Inburgeraar.duaal else "nee",
             row.dagtekening.isoformat() if row.dagtekening else "", row.leerroute or "",
             STATUS_LABELS.get(row.status, "nog niet verwezen"),
             ", ".join(f"{labels.DOMAIN_LABELS[n.domain]} ({n.weight:g})"
                       for n in row.Inburgeraar.needs)]
            for row in rows
        ],
    )


def _filtered(query, form: SearchForm):
    if form.q.data:
        query = query.where(Inburgeraar.pseudonym.ilike(f"%{form.q.data.strip()}%"))
    if form.domain.data:
        query = query.where(
            Inburgeraar.id.in_(select(Need.inburgeraar_id).where(Need.domain == form.domain.data))
        )
    if form.level.data:
        query = query.where(Inburgeraar.level == form.level.data)
    if form.leerroute.data:
        query = query.where(Inburgeraar.leerroute == form.leerroute.data)
    if form.status.data == NOT_REFERRED:
        query = query.where(LATEST_STATUS.is_(None))
    elif form.status.data:
        query = query.where(form.status.data == LATEST_STATUS)
    if form.pip.data:
        query = query.where(Pip.id.is_not(None) if form.pip.data == "ja" else Pip.id.is_(None))
    if form.duaal.data:
        query = query.where(Inburgeraar.duaal.is_(form.duaal.data == "ja"))
    if form.wijk.data:
        in_wijk = select(Postcode.pc4).where(Postcode.wijk_id == int(form.wijk.data))
        query = query.where(Inburgeraar.postcode.in_(in_wijk))
    if form.postcode.data:
        query = query.where(Inburgeraar.postcode.startswith(form.postcode.data.strip()))
    return query


def _valid(form: IntakeForm) -> bool:
    """The form's own checks and, when they fail, the use case's too: every error at once."""
    if form.validate_on_submit():
        return True
    if form.is_submitted():
        form.show_rule_errors(intake_errors(db.session, form.person_fields(), form.pip()))
    return False


@bp.route("/inburgeraars/nieuw", methods=["GET", "POST"])
def new_inburgeraar():
    form = IntakeForm()
    if _valid(form):
        try:
            person = create_inburgeraar(
                db.session, actor_id=actor_id(), gemeente_id=None,
                pseudonym=form.pseudonym.data or None, fields=form.person_fields(),
                needs=form.needs(), pip=form.pip(),
            )
        except DomainError as error:
            form.show_error(error)
        else:
            log_access("create", [person.id])
            flash(f"De intake van {person.pseudonym} is opgeslagen.", "ok")
            return redirect(url_for("klantmanager.inburgeraar", inburgeraar_id=person.id))
    status = 422 if form.is_submitted() else 200
    return render_template("klantmanager/intake.html", form=form, person=None), status


@bp.route("/inburgeraars/<int:inburgeraar_id>/intake", methods=["GET", "POST"])
def intake(inburgeraar_id: int):
    user = access.get_actor(db.session, actor_id())
    person = access.get_inburgeraar(db.session, user, inburgeraar_id)
    form = IntakeForm() if request.method == "POST" else IntakeForm.for_person(person)
    form.keep_recorded_choices(person)
    if _valid(form):
        try:
            update_inburgeraar(
                db.session, actor_id=actor_id(), inburgeraar_id=person.id,
                changes=form.person_fields(), needs=form.needs(), pip=form.pip(),
            )
        except DomainError as error:
            form.show_error(error)
        else:
            log_access("update", [person.id])
            flash(f"De intake van {person.pseudonym} is bijgewerkt.", "ok")
            return redirect(url_for("klantmanager.inburgeraar", inburgeraar_id=person.id))
    status = 422 if form.is_submitted() else 200
    log_access("read", [person.id])
    return render_template("klantmanager/intake.html", form=form, person=person), status
