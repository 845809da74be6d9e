"""The gemeente's inburgeraars: search and filter, and the brede intake (new and changed)."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from models import access
from models.errors import DomainError
from models.geography import Postcode, Wijk
from models.inburgeraars import create_inburgeraar, update_inburgeraar
from models.people import Inburgeraar, Need
from web.audit import log_access
from web.extensions import db
from web.portal import choices
from web.portal.forms import PortalForm
from web.portal.intake_form import IntakeForm
from web.portal.klantmanager import bp
from web.portal.security import actor_id

PAGE_SIZE = 50


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
    wijk = SelectField("Wijk", choices=choices.optional([], "alle wijken"), default="")
    postcode = StringField("Postcode", validators=[Optional(), Length(max=4)])


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
    query = access.inburgeraars_visible_to(user).options(selectinload(Inburgeraar.needs))
    if form.validate():
        query = _filtered(query, form)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    people = db.session.scalars(query.order_by(Inburgeraar.pseudonym).limit(PAGE_SIZE)).all()
    log_access("list", [p.id for p in people])
    return render_template(
        "klantmanager/inburgeraars.html", form=form, people=people, total=total,
        page_size=PAGE_SIZE, has_wijken=bool(wijken),
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
    if form.wijk.data:
        in_wijk = select(Postcode.pc4).where(Postcode.wijk_id == int(form.wijk.data))
        query = query.where(Inburgeraar.postcode.in_(in_wijk))
    if form.postcode.data:
        query = query.where(Inburgeraar.postcode.startswith(form.postcode.data.strip()))
    return query


@bp.route("/inburgeraars/nieuw", methods=["GET", "POST"])
def new_inburgeraar():
    form = IntakeForm()
    if form.validate_on_submit():
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
    if form.validate_on_submit():
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
