"""Wat als: the coordinator asks what more (or fewer) places at some offers, or more
places at one partner, would change.

Read-only: the form travels by GET and nothing is stored (``models.what_if``).
A question holds up to ``ROWS`` offers, each with its places in total, and
optionally a partner whose extra places ``models.what_if.partner_extra_places``
spreads over its open offers; together they become the ``changes`` of
``what_if``, as the API takes them.
"""

from dataclasses import dataclass

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, NumberRange, Optional

from models.coalition import Offer, Partner
from models.errors import InvalidInput
from models.matcher_cache import current_matcher
from models.vocabulary import DOMAINS
from models.what_if import ChangeEffect, ExtraPlaces, partner_extra_places, what_if_explained
from web.extensions import db
from web.portal.choices import DOMAIN_CHOICES, optional
from web.portal.coordinator import bp
from web.portal.coordinator.forms import FilterForm
from web.portal.coordinator.tables import Table
from web.portal.filters import count, join_and
from web.portal.labels import DOMAIN_LABELS

INVALID = 422
ROWS = 5  # offers in one question; a partner's extra places reach all its offers at once
MAX_PLACES = 10_000
OVERLAP = ("Dit aanbod krijgt al extra plaatsen van de gekozen aanbieder; laat deze rij leeg "
           "of kies een ander aanbod.")


# The largest id the database's integer column holds (PostgreSQL's integer; SQLite's is wider).
LARGEST_ID = 2**31 - 1


def _id_or_none(value):
    """A select's id, or None for its empty first option.

    An id no row can have is refused here (ValueError: the field's "invalid choice"),
    before a query that would fail on it with a 500.
    """
    if value in (None, ""):
        return None
    number = int(value)
    if not 1 <= number <= LARGEST_ID:
        raise ValueError(f"no id: {value}")
    return number


class WhatIfForm(FilterForm):
    # partner_extra_places's fields → this form's.
    ERROR_FIELDS = {"partner_id": "aanbieder", "domain": "domein", "places": "extra"}

    aanbieder = SelectField("Aanbieder", coerce=_id_or_none, validate_choice=False)
    domein = SelectField(
        "Alleen aanbod in het domein",
        choices=optional(DOMAIN_CHOICES, "Alle domeinen"),
        default="",
        validate_choice=False,
        validators=[AnyOf(["", *DOMAINS], message="Kies een domein uit de lijst.")],
    )
    extra = IntegerField(
        "Aantal extra plaatsen",
        validators=[Optional(), NumberRange(min=1, max=MAX_PLACES,
                                            message="Vul een aantal van 1 tot 10.000 in.")],
    )

    def rows(self) -> list[tuple[SelectField, IntegerField]]:
        """Each row's offer and places in total, in order."""
        return [(self[f"aanbod_{n}"], self[f"plaatsen_{n}"]) for n in range(1, ROWS + 1)]

    def offer_rows(self) -> list[tuple[SelectField, IntegerField]]:
        """The rows filled in (valid forms only): an empty row is no part of the question."""
        return [(offer, places) for offer, places in self.rows() if offer.data is not None]

    def partner_asked(self) -> bool:
        return any(f.data not in (None, "") for f in (self.aanbieder, self.domein, self.extra))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        seen: dict[int, int] = {}
        for n, (offer, places) in enumerate(self.rows(), start=1):
            if offer.errors or places.errors:
                continue
            if offer.data is None and places.data is not None:
                offer.errors.append("Kies een aanbod bij dit aantal plaatsen.")
            elif offer.data is not None and places.data is None:
                places.errors.append("Vul het aantal plaatsen in totaal in.")
            elif offer.data in seen:
                offer.errors.append(f"Dit aanbod staat al bij aanbod {seen[offer.data]}; "
                                    "kies het één keer.")
            elif offer.data is not None:
                seen[offer.data] = n
        if self.partner_asked() and not (self.aanbieder.errors or self.extra.errors):
            if self.aanbieder.data is None:
                self.aanbieder.errors.append("Kies een aanbieder bij de extra plaatsen.")
            if self.extra.data is None:
                self.extra.errors.append("Vul het aantal extra plaatsen in.")
        if not self.errors and not seen and not self.partner_asked():
            self.form_errors.append("Kies ten minste één aanbod met een aantal plaatsen, "
                                    "of een aanbieder met extra plaatsen.")
        return valid and not self.errors


for _n in range(1, ROWS + 1):
    setattr(WhatIfForm, f"aanbod_{_n}",
            SelectField(f"Aanbod {_n}", coerce=_id_or_none, validate_choice=False))
    setattr(WhatIfForm, f"plaatsen_{_n}", IntegerField(
        f"Plaatsen in totaal bij aanbod {_n}",
        validators=[Optional(), NumberRange(min=0, max=MAX_PLACES,
                                            message="Vul een aantal van 0 tot 10.000 in.")],
    ))


@dataclass
class Question:
    """The form's question as ``what_if`` takes it, with the form field behind each change."""

    changes: list[tuple[int, int]]
    fields: list[tuple[str, str]]  # per change: the (offer, places) fields to blame
    extra: list[ExtraPlaces]

    def error_fields(self) -> dict[str, str]:
        """``what_if``'s field names (``changes.k.offer_id``) → this form's fields."""
        names = {}
        for k, (offer_field, places_field) in enumerate(self.fields):
            names[f"changes.{k}.offer_id"] = offer_field
            names[f"changes.{k}.capacity"] = places_field
        return names


def _question(form: WhatIfForm) -> Question:
    """The changes asked for; raises ``InvalidInput`` naming the use case's fields."""
    rows = form.offer_rows()
    changes = [(offer.data, places.data) for offer, places in rows]
    fields = [(offer.name, places.name) for offer, places in rows]
    extra = []
    if form.partner_asked():
        extra = partner_extra_places(db.session, form.aanbieder.data, form.extra.data,
                                     form.domein.data or None)
        changes += [share.change for share in extra]
        fields += [("aanbieder", "extra")] * len(extra)
    return Question(changes, fields, extra)


def _overlap(form: WhatIfForm, question: Question) -> bool:
    """Marks a row whose offer also gets some of the partner's extra places."""
    spread_over = {share.offer_id for share in question.extra}
    for offer, _ in form.offer_rows():
        if offer.data in spread_over:
            offer.errors = [*offer.errors, OVERLAP]
    return bool(form.errors)


def _open_offers() -> list[Offer]:
    return db.session.scalars(
        select(Offer).where(Offer.closed_at.is_(None)).options(selectinload(Offer.partner))
        .order_by(Offer.title, Offer.id)
    ).all()


def _fill_choices(form: WhatIfForm, offers: list[Offer]) -> None:
    offer_choices = optional([
        SelectChoice(o.id, f"{o.partner.name} – {o.title} ({DOMAIN_LABELS[o.domain]}, "
                           f"nu {count(o.capacity, 'plaats', 'plaatsen')})")
        for o in offers
    ])
    for offer, _ in form.rows():
        offer.choices = offer_choices
    partners = db.session.execute(select(Partner.id, Partner.name).order_by(Partner.name)).all()
    form.aanbieder.choices = optional([SelectChoice(p.id, p.name) for p in partners])


def _page(form, status=200, **context):
    context.setdefault("result", None)
    return render_template("coordinator/what_if.html", form=form, **context), status


@bp.get("/wat-als")
def what_if_page():
    offers = _open_offers()
    form = WhatIfForm(request.args)
    _fill_choices(form, offers)
    if not request.args:
        return _page(form)
    if not form.validate():
        return _page(form, INVALID)
    question = None
    try:
        question = _question(form)
        if _overlap(form, question):
            return _page(form, INVALID)
        result, effects = what_if_explained(db.session, question.changes,
                                            matcher=current_matcher(db.session))
    except InvalidInput as error:
        if question is not None:
            form.ERROR_FIELDS = {**form.ERROR_FIELDS, **question.error_fields()}
        form.show_error(error)
        return _page(form, INVALID)
    return _page(
        form,
        result=result,
        extra=question.extra,
        partner_name=_partner_name(form, offers),
        changes=_changes_table(question, {o.id: o for o in offers}),
        effects=[effect_sentence(e, {o.id: o for o in offers}) for e in effects],
        domains=_table(result, "by_domain", "wat-als-per-domein", "Per domein",
                       lambda d: DOMAIN_LABELS.get(d, d)),
        areas=_table(result, "by_area", "wat-als-per-gebied", "Per wijk of gemeente", str),
        bars=_bars(result),
    )


def _partner_name(form: WhatIfForm, offers: list[Offer]) -> str | None:
    return next((o.partner.name for o in offers if o.partner_id == form.aanbieder.data), None)


def _changes_table(question: Question, offers: dict[int, Offer]) -> Table:
    rows = []
    for offer_id, capacity in question.changes:
        offer = offers[offer_id]
        rows.append([f"{offer.partner.name} – {offer.title}", DOMAIN_LABELS[offer.domain],
                     offer.capacity, capacity, capacity - offer.capacity])
    return Table("wat-als-wijzigingen", "De gevraagde wijzigingen",
                 ["Aanbod", "Domein", "Plaatsen nu", "Plaatsen daarna", "Verschil"], rows)


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


# The hard rules (matching.eligibility) as the coordinator would name them.
RULE_WORDS = {
    "level": "niveau", "leerroute": "leerroute", "women_only": "alleen voor vrouwen",
    "schedule": "rooster", "distance": "afstand", "age": "leeftijd",
    "history": "loopt al of eerder afgewezen", "need": "geen vraag", "capacity": "vol",
}


def effect_sentence(effect: ChangeEffect, offers: dict[int, Offer]) -> str:
    """Why more places at an offer help whom they help, or no one."""
    offer = offers[effect.offer_id]
    what = (f"De {count(effect.extra, 'extra plaats', 'extra plaatsen')} bij "
            f"{offer.partner.name} – {offer.title}")
    domain = DOMAIN_LABELS[effect.domain].lower()
    helps = "helpt" if effect.extra == 1 else "helpen"
    if effect.waiting == 0:
        return (f"{what} {helps} niemand: iedereen met een vraag in het domein {domain} "
                "krijgt al een plaats.")
    if effect.eligible == 0:
        rules = join_and(f"{RULE_WORDS.get(rule, rule)} ({n})" for rule, n in effect.excluded_by)
        return (f"{what} {helps} niemand: geen van de "
                f"{count(effect.waiting, 'inburgeraar', 'inburgeraars')} met een open vraag in "
                f"het domein {domain} kan dit aanbod volgen. Wat hen uitsluit: {rules}.")
    can = count(effect.eligible, "inburgeraar zonder plaats kan",
                "inburgeraars zonder plaats kunnen")
    if effect.gained > 0:
        more = "krijgt 1 vraag" if effect.gained == 1 else f"krijgen {effect.gained} vragen"
        return f"{what}: {can} dit aanbod volgen; in het domein {domain} {more} meer een plaats."
    return (f"{what}: {can} dit aanbod volgen, maar de verdeling geeft in het domein {domain} "
            "niemand meer een plaats.")
