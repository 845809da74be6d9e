"""May this person be referred to this offer now? The one list of rules that ``refer()``
and the waitlist's promotion (``models.places.fill_freed_places``) both apply.

Free places aside, a referral is refused when:

- the person already holds a referral to the offer (``referred``);
- the pair fails a hard rule of the engine (``SCENARIO.md``: level, age, distance, …);
- a duaal person's taal and werk places would share a day part (``duaal``);
- the person holds a referral under way in the offer's domain (``domain``), unless the
  klantmanager asks for an additional one.

The last two hold only while another referral of the person is under way: they
*pass*. A waiting entry refused only by passing rules keeps its place in the queue
and is passed over (the place goes to the next; ``passed_over_rule`` says why), so
it is first again once that referral ends. Any other refusal lasts: the entry is
skipped, naming the rule.

The person's row is locked first, so two referrals of one person (a promotion and
a referral elsewhere, say) are checked one after the other, each seeing the other.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.capacity import holds_referral
from models.coalition import Offer
from models.errors import AlreadyReferred, invalid_input
from models.matching_bridge import DUAAL_RULE, eligibility_failures, not_eligible
from models.people import Inburgeraar
from models.under_way import domain_under_way, served_by

REFERRED = "referred"
DOMAIN = "domain"
PASSING_RULES = (DOMAIN, DUAAL_RULE)


@dataclass(frozen=True)
class Refusal:
    rule: str
    message: str  # Dutch, short: what the klantmanager reads on the waitlist
    referral_id: int | None = None  # the referral under way that the rule points to

    @property
    def passes(self) -> bool:
        """Whether it ends when another referral of the person ends (so the entry waits on)."""
        return self.rule in PASSING_RULES


def lock_people(session: Session, person_ids) -> None:
    """Lock these people's rows in id order (a batch of referrals, after its offers: the order
    ``refer()`` takes), so two batches sharing people wait for each other, never deadlock."""
    ids = sorted(set(person_ids))
    if ids:
        session.execute(select(Inburgeraar.id).where(Inburgeraar.id.in_(ids))
                        .order_by(Inburgeraar.id).with_for_update())


def refusals(session: Session, person_id: int, offer: Offer, *,
             additional: bool = False) -> list[Refusal]:
    """Every rule that refuses referring the person to the offer now (free places aside)."""
    session.execute(select(Inburgeraar.id).where(Inburgeraar.id == person_id).with_for_update())
    if holds_referral(session, person_id, offer.id):
        # Before the rules: the engine's rule 9 would also call an ongoing pair ineligible.
        return [Refusal(REFERRED, "al naar dit aanbod verwezen")]
    refused = [Refusal(rule, message)
               for rule, message in eligibility_failures(session, person_id, offer.id)]
    if not additional and (referral_id := served_by(session, person_id, offer.domain)):
        refused.append(Refusal(
            DOMAIN, f"lopende verwijzing {referral_id} in het domein "
                    f"{offer.domain.replace('_', ' ')}", referral_id))
    return refused


def check_referable(session: Session, person_id: int, offer: Offer, *,
                    additional: bool = False, bad_fields: list[dict] = ()) -> None:
    """Raise what ``refer()`` answers: AlreadyReferred (409), NotEligible naming every rule
    (422, the duaal rule among them), or DomainUnderWay naming the referral (409).

    ``bad_fields``: the request's other bad fields (a note), named with the rules in one
    422; bad input comes before the 409s."""
    refused = refusals(session, person_id, offer, additional=additional)
    failures = [(r.rule, r.message) for r in refused if r.rule not in (REFERRED, DOMAIN)]
    if failures:
        raise not_eligible(failures, also=bad_fields)
    if bad_fields:
        raise invalid_input(list(bad_fields), "De verwijzing heeft ongeldige velden.")
    if any(r.rule == REFERRED for r in refused):
        raise AlreadyReferred("Deze inburgeraar is al naar dit aanbod verwezen.")
    for refusal in refused:  # the domain's, the only one left
        raise domain_under_way(offer.domain, refusal.referral_id)
