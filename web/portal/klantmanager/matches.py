"""One inburgeraar: profile, the ranked matches per domain of need, and "verwijs door".

For a duaal person also the week of taal and werk side by side, each offer
referred through the same form and route: with nothing held yet the best pairs
that fit in one week (``matching.week_pairs``); with a place held in one of the
two the offers of the other that fit beside it (``matching.offers_beside``);
with places held in both, the week is complete.
"""

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import InputRequired, Optional, Regexp

from matching import Matcher, offers_beside, week_pairs
from matching.vocab import DAYPARTS
from models import access
from models.capacity import HOLDING_STATUSES, free_places
from models.coalition import Offer
from models.errors import DomainError
from models.field_rules import LONG_TEXT
from models.matcher_cache import current_matcher
from models.referral import Referral
from models.referral_service import refer
from models.under_way import served_domains
from models.waitlist import full_offers_to_wait_for
from web.audit import log_access
from web.extensions import db
from web.portal.forms import PortalForm, within
from web.portal.klantmanager import bp
from web.portal.security import actor_id

TOP = 5


class ReferForm(PortalForm):
    offer_id = HiddenField(validators=[
        InputRequired("Kies een aanbod uit de lijst."),
        Regexp(r"^\d{1,9}$", message="Kies een aanbod uit de lijst."),
    ])
    note = TextAreaField(
        "Toelichting voor de partner", validators=[Optional(), within(LONG_TEXT)],
        description="Wat de partner moet weten om te beginnen; geen naam of BSN.",
    )
    # Only offered where the domain is served already: a second course, a taalcafé beside it.
    additional = BooleanField("Extra verwijzing naast de lopende")


@bp.get("/inburgeraars/<int:inburgeraar_id>")
def inburgeraar(inburgeraar_id: int):
    return render_person(inburgeraar_id)


@bp.post("/inburgeraars/<int:inburgeraar_id>/verwijzen")
def refer_person(inburgeraar_id: int):
    form = ReferForm()
    if form.validate():
        try:
            referral = refer(
                db.session, actor_id=actor_id(), inburgeraar_id=inburgeraar_id,
                offer_id=int(form.offer_id.data), note=form.note.data or None,
                additional=form.additional.data,
            )
        except DomainError as error:
            # Shown beside the matches; a person out of reach still gets the 404 page below.
            form.show_error(error)
        else:
            log_access("refer", [inburgeraar_id])
            flash(f"{referral.inburgeraar.pseudonym} is doorverwezen naar "
                  f"“{referral.offer.title}”. De partner krijgt de verwijzing te zien.", "ok")
            return redirect(url_for("klantmanager.referral", referral_id=referral.id))
    return render_person(inburgeraar_id, failed=form, status=422)


def render_person(inburgeraar_id: int, failed: ReferForm | None = None, status: int = 200):
    user = access.get_actor(db.session, actor_id())
    person = access.get_inburgeraar(db.session, user, inburgeraar_id)
    matcher = current_matcher(db.session)
    by_domain = ranked_matches(matcher, person)
    referrals = db.session.scalars(
        select(Referral).where(Referral.inburgeraar_id == person.id)
        .options(selectinload(Referral.offer)).order_by(Referral.id.desc())
    ).all()
    week = duaal_week(matcher, person, referrals) if person.duaal else None
    by_id = {r.id: r for r in referrals}
    served = {domain: by_id[referral_id] for domain, referral_id
              in served_domains(db.session, [person.id])[person.id].items()}
    log_access("read", [person.id])
    log_access("match", [person.id])
    return render_template(
        "klantmanager/inburgeraar.html", person=person, by_domain=by_domain,
        week=week, referrals=referrals, failed=failed, served=served,
        full_offers=full_offers_to_wait_for(db.session, person),
    ), status


def ranked_matches(matcher: Matcher, person) -> list[dict]:
    """Per domain of need (heaviest first): the engine's best offers with their details."""
    domains = sorted(person.needs_by_domain.items(), key=lambda item: (-item[1], item[0]))
    ranked = {domain: matcher.rank(str(person.id), domain=domain, top=TOP) for domain, _ in domains}
    offers, free = offers_with_free_places(
        {int(m.offer_id) for matches in ranked.values() for m in matches})
    return [
        {
            "domain": domain,
            "weight": weight,
            "matches": [
                {"match": m, "offer": offers[int(m.offer_id)], "free": free[int(m.offer_id)]}
                for m in ranked[domain]
            ],
        }
        for domain, weight in domains
    ]


def duaal_week(matcher: Matcher, person, referrals: list[Referral]) -> dict:
    """What the section "Taal en werk in één week" shows for a duaal person.

    ``held`` maps taal and werk to the person's newest referral under way
    (one holding a place) in that domain, when there is one, and
    ``dayparts`` to its offer's day parts. With both held, ``clash`` lists the
    day parts the two offers share (normally none; a referral does not check
    it). With one held (in ``domain``), ``beside`` lists the offers of
    ``other`` that fit beside it. With none, ``pairs``.
    """
    held: dict[str, Referral] = {}
    for referral in referrals:  # newest first
        if referral.status in HOLDING_STATUSES and referral.offer.domain in ("taal", "werk"):
            held.setdefault(referral.offer.domain, referral)
    dayparts = {domain: [d for d in DAYPARTS if d in referral.offer.schedule]
                for domain, referral in held.items()}
    if len(held) == 2:
        clash = [d for d in dayparts["taal"] if d in dayparts["werk"]]
        return {"held": held, "dayparts": dayparts, "clash": clash}
    if held:
        [(domain, referral)] = held.items()
        other = "werk" if domain == "taal" else "taal"
        return {"held": held, "dayparts": dayparts, "domain": domain, "other": other,
                "beside": beside_rows(matcher, person, referral)}
    return {"held": held, "pairs": week_pair_rows(matcher, person)}


def beside_rows(matcher: Matcher, person, referral: Referral) -> list[dict]:
    """The engine's best offers of the other domain that fit beside the referral's offer."""
    found = offers_beside(matcher, str(person.id), str(referral.offer_id), top=TOP)
    offers, free = offers_with_free_places({int(x.match.offer_id) for x in found})
    return [
        {"match": x.match, "offer": offers[int(x.match.offer_id)],
         "free": free[int(x.match.offer_id)], "dayparts": x.dayparts}
        for x in found
    ]


def week_pair_rows(matcher: Matcher, person) -> list[dict]:
    """The engine's best taal and werk pairs that fit in one week, each offer with its details.

    Empty when the person needs not both taal and werk, or when nothing fits together.
    """
    pairs = week_pairs(matcher, str(person.id), top=TOP)
    offers, free = offers_with_free_places(
        {int(m.offer_id) for pair in pairs for m in (pair.taal, pair.werk)})
    return [
        {
            "sides": [
                {"match": m, "offer": offers[int(m.offer_id)], "free": free[int(m.offer_id)],
                 "dayparts": dayparts}
                for m, dayparts in ((pair.taal, pair.taal_dayparts),
                                    (pair.werk, pair.werk_dayparts))
            ],
        }
        for pair in pairs
    ]


def offers_with_free_places(offer_ids: set[int]) -> tuple[dict[int, Offer], dict[int, int]]:
    """The offers by id, with their partner loaded, and their free places."""
    offers = {
        o.id: o
        for o in db.session.scalars(
            select(Offer).where(Offer.id.in_(offer_ids)).options(selectinload(Offer.partner))
        )
    }
    return offers, free_places(db.session, offer_ids)
