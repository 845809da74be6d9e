"""Create the fictional demo coalition, deterministically from a seed.

The same seed gives the same partners, ties, offers, people and accounts
(ids are UUID5s of their names); only password hashes, which are salted,
differ between runs.
"""

import random
import secrets
from datetime import date, timedelta
from uuid import NAMESPACE_URL, uuid5

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Gemeente, Inburgeraar, Partner, Pip, Postcode, Tie, User
from models.inburgeraars import create_inburgeraar
from models.offers import create_offer
from models.passwords import hash_password
from models.unit_of_work import UnitOfWork
from models.vocabulary import DOMAINS, LEVELS
from seeds import demo_coalition as cast
from seeds.errors import SeedError

DEFAULT_SEED = 2026
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
UUID_NAMESPACE = uuid5(NAMESPACE_URL, "https://wegwijs.example/demo")


def load_demo(session: Session, seed: int = DEFAULT_SEED, password: str | None = None):
    """Load the demo coalition unless the database already holds partners.

    Returns ``(counts, generated_password)``: ``counts`` is None when skipped;
    ``generated_password`` is set only when none was given and accounts were made.
    """
    if session.scalar(select(func.count()).select_from(Partner)):
        return None, None
    gemeenten = {g.name: g for g in session.scalars(select(Gemeente))}
    if not gemeenten:
        raise SeedError("the geography is not loaded: run the seed without --demo first")
    generated = None if password else secrets.token_urlsafe(12)
    builder = _DemoBuilder(session, random.Random(seed), gemeenten)
    with UnitOfWork(session):
        builder.partners()
        builder.ties()
        # Accounts first: the coordinator posts the offers and records the people,
        # through the same use cases (and rules) as the API and the portal.
        builder.accounts(password or generated)
        builder.offers()
        builder.people()
    return builder.counts, generated


def demo_uuid(kind: str, name: str):
    return uuid5(UUID_NAMESPACE, f"{kind}:{name}")


class _DemoBuilder:
    def __init__(self, session: Session, rng: random.Random, gemeenten: dict[str, Gemeente]):
        self.session, self.rng, self.gemeenten = session, rng, gemeenten
        self.pc4s = {name: [] for name in gemeenten}
        for postcode in session.scalars(select(Postcode).order_by(Postcode.pc4)):
            self.pc4s[postcode.gemeente.name].append(postcode)
        self.partners_by_kind: dict[str, list[Partner]] = {}
        self.sector_of: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def _place(self, gemeente: str) -> Postcode:
        return self.rng.choice(self.pc4s[gemeente])

    def _add_partner(self, kind, name, gemeente, languages):
        place = self._place(gemeente)
        partner = Partner(
            uuid=demo_uuid("partner", name),
            name=name,
            kind=kind,
            gemeente=self.gemeenten[gemeente],
            postcode=place.pc4,
            lat=place.lat,
            lon=place.lon,
            languages=languages,
        )
        self.session.add(partner)
        self.partners_by_kind.setdefault(kind, []).append(partner)
        return partner

    def partners(self):
        for kind, name, gemeente, sector in cast.PARTNERS:
            languages = ["nl"] + self._some(cast.SECOND_LANGUAGES, 0, 1)
            self._add_partner(kind, name, gemeente, languages)
            if sector:
                self.sector_of[name] = sector
        for name, gemeente, languages in cast.MENTORS:
            self._add_partner("mentor", name, gemeente, languages)
        self.session.flush()
        self.counts["partners"] = len(cast.PARTNERS) + len(cast.MENTORS)

    def ties(self):
        """Tie partners that work together: mostly within a gemeente, across kinds.

        The last "overig" partner is left without ties, as real coalitions have
        members nobody works with yet.
        """
        everyone = [
            p for kind in sorted(self.partners_by_kind) for p in self.partners_by_kind[kind]
        ]
        isolated = self.partners_by_kind["overig"][-1]
        pairs = set()
        for partner in everyone:
            if partner is isolated:
                continue
            same_place = [
                p
                for p in everyone
                if p is not partner and p is not isolated and p.gemeente_id == partner.gemeente_id
            ]
            elsewhere = [
                p for p in everyone if p not in same_place and p not in (partner, isolated)
            ]
            candidates = self.rng.sample(same_place, min(2, len(same_place)))
            candidates += self.rng.sample(elsewhere, 1)
            if partner.kind == "mentor":
                candidates.append(self.rng.choice(self.partners_by_kind["maatjesproject"]))
            for other in candidates:
                pairs.add((min(partner.id, other.id), max(partner.id, other.id)))
        for a, b in sorted(pairs):
            self.session.add(Tie(partner_a_id=a, partner_b_id=b))
        self.counts["ties"] = len(pairs)

    def offers(self):
        makers = {
            "taalschool": self._language_courses,
            "werkgever": self._plekken,
            "maatjesproject": self._maatjes,
            "mentor": self._mentoraat,
            "onderwijsinstelling": self._opleidingen,
            "welzijn": self._welzijn,
            "overig": self._activiteiten,
        }
        count = 0
        for kind in sorted(self.partners_by_kind):
            for partner in self.partners_by_kind[kind]:
                for index, fields in enumerate(makers[kind](partner)):
                    self._add_offer(partner, index, fields)
                    count += 1
        self.session.flush()
        self.counts["offers"] = count

    def _add_offer(self, partner: Partner, index: int, fields: dict):
        place = {"postcode": partner.postcode, "lat": partner.lat, "lon": partner.lon}
        offer = create_offer(
            self.session, actor_id=self.coordinator_id, partner_id=partner.id,
            fields=place | fields,
        )
        # The same id in every database seeded alike (the HSDS export's ids).
        offer.uuid = demo_uuid("offer", f"{partner.name}#{index}")

    def _language_courses(self, partner):
        rng = self.rng
        courses = [
            dict(
                title="B1-route dagcursus",
                domain="taal",
                kind="taalcursus",
                capacity=rng.randint(8, 16),
                min_level="A0",
                max_level="A2",
                leerroutes=["b1"],
                schedule=["ochtend", "middag"],
                hours_per_week=12,
                childcare=rng.random() < 0.5,
            ),
            dict(
                title="B1-route avondcursus",
                domain="taal",
                kind="taalcursus",
                capacity=rng.randint(6, 12),
                min_level="A1",
                max_level="B1",
                leerroutes=["b1"],
                schedule=["avond"],
                hours_per_week=6,
            ),
            dict(
                title="Z-route praktijkgroep",
                domain="taal",
                kind="taalcursus",
                capacity=rng.randint(6, 10),
                max_level="A2",
                leerroutes=["z"],
                schedule=["ochtend"],
                hours_per_week=8,
                childcare=True,
            ),
        ]
        if rng.random() < 0.6:
            courses.append(
                dict(
                    title="Alfabetiseringscursus",
                    domain="taal",
                    kind="taalcursus",
                    capacity=rng.randint(4, 8),
                    max_level="A1",
                    leerroutes=["b1", "z"],
                    schedule=["ochtend"],
                    hours_per_week=10,
                    alfa=True,
                    childcare=True,
                    description="Leren lezen en schrijven in het Latijnse schrift",
                )
            )
        if rng.random() < 0.5:
            courses.append(
                dict(
                    title="Taalgroep voor vrouwen",
                    domain="taal",
                    kind="taalcursus",
                    capacity=rng.randint(4, 10),
                    leerroutes=["z", "b1"],
                    schedule=["ochtend"],
                    women_only=True,
                    childcare=True,
                    hours_per_week=6,
                )
            )
        if partner.name.startswith("NT2"):
            courses.append(
                dict(
                    title="Onderwijsroute NT2 intensief",
                    domain="taal",
                    kind="taalcursus",
                    capacity=12,
                    min_level="A2",
                    max_level="B2",
                    leerroutes=["onderwijs"],
                    schedule=["ochtend", "middag"],
                    hours_per_week=20,
                    min_age=16,
                    max_age=30,
                )
            )
        for course in courses:
            course["languages"] = self._some(cast.HOME_LANGUAGES, 0, 2)
            course["start"] = date(2027, 1, 4) + timedelta(weeks=rng.randint(0, 10))
        return courses

    def _plekken(self, partner):
        rng, sector = self.rng, self.sector_of[partner.name]
        return [
            dict(
                title=f"Werkervaringsplek {sector}",
                domain="werk",
                kind="werkervaringsplek",
                capacity=rng.randint(1, 4),
                min_level="A1",
                sectors=[sector],
                schedule=["ochtend", "middag"],
                hours_per_week=24,
                min_age=18,
            ),
            dict(
                title=f"Stage {sector}",
                domain="werk",
                kind="stage",
                capacity=rng.randint(1, 3),
                min_level="A2",
                sectors=[sector],
                schedule=["ochtend", "middag"],
                hours_per_week=32,
                min_age=18,
            ),
            dict(
                title=f"Baan in de {sector}",
                domain="werk",
                kind="baan",
                capacity=rng.randint(1, 2),
                min_level=rng.choice(["A2", "B1"]),
                sectors=[sector],
                schedule=rng.choice([["ochtend", "middag"], ["middag", "avond"]]),
                hours_per_week=rng.choice([24, 32, 36]),
                min_age=18,
            ),
        ]

    def _maatjes(self, partner):
        rng = self.rng
        return [
            dict(
                title="Maatje voor een jaar",
                domain="sociaal_netwerk",
                kind="maatje",
                capacity=rng.randint(5, 12),
                schedule=["avond", "weekend"],
                languages=self._some(cast.HOME_LANGUAGES, 0, 2),
            ),
            dict(
                title="Gezinsmaatje",
                domain="opvoeding",
                kind="maatje",
                capacity=rng.randint(2, 6),
                schedule=["middag", "weekend"],
            ),
        ]

    def _mentoraat(self, partner):
        return [
            dict(
                title="Mentoraat door een ervaringsdeskundige",
                domain="sociaal_netwerk",
                kind="mentoraat",
                capacity=self.rng.randint(1, 3),
                languages=partner.languages,
                schedule=["avond", "weekend"],
            ),
        ]

    def _opleidingen(self, partner):
        rng = self.rng
        return [
            dict(
                title="Entreeopleiding met taalondersteuning",
                domain="opleiding",
                kind="opleiding",
                capacity=rng.randint(8, 15),
                min_level="A2",
                leerroutes=["onderwijs", "b1"],
                schedule=["ochtend", "middag"],
                hours_per_week=20,
                min_age=16,
                max_age=35,
            ),
            dict(
                title="Schakeljaar naar mbo/hbo",
                domain="opleiding",
                kind="opleiding",
                capacity=rng.randint(5, 10),
                min_level="B1",
                leerroutes=["onderwijs"],
                schedule=["ochtend", "middag"],
                hours_per_week=24,
                min_age=17,
                max_age=30,
            ),
        ]

    def _welzijn(self, partner):
        rng = self.rng
        focus = {
            "Opvoedsteunpunt": ("opvoeding", "Opvoedcursus voor ouders"),
            "Schuldhulp": ("rondkomen", "Budgetcursus en formulierenhulp"),
            "Stichting Gezond": ("gezondheid", "Wegwijs in de Nederlandse zorg"),
        }
        own = [v for k, v in focus.items() if partner.name.startswith(k)]
        domain, title = own[0] if own else (rng.choice(["gezondheid", "rondkomen"]), None)
        offers = [
            dict(
                title=title or "Spreekuur geldzaken en gezondheid",
                domain=domain,
                kind="activiteit",
                capacity=rng.randint(6, 20),
                schedule=["middag"],
                languages=self._some(cast.HOME_LANGUAGES, 0, 2),
                childcare=rng.random() < 0.4,
            ),
            dict(
                title="Vrijwilligerswerk in de buurt",
                domain="werk",
                kind="vrijwilligerswerk",
                capacity=rng.randint(3, 8),
                schedule=["middag", "weekend"],
                hours_per_week=8,
            ),
            dict(
                title="Buurtactiviteit en ontmoeting",
                domain="sociaal_netwerk",
                kind="activiteit",
                capacity=rng.randint(8, 20),
                schedule=["middag", "avond"],
            ),
        ]
        return offers

    def _activiteiten(self, partner):
        rng = self.rng
        return [
            dict(
                title="Sporten en ontmoeten",
                domain="gezondheid",
                kind="activiteit",
                capacity=rng.randint(6, 15),
                schedule=["avond", "weekend"],
            ),
            dict(
                title="Taalcafé",
                domain="sociaal_netwerk",
                kind="activiteit",
                capacity=rng.randint(6, 15),
                schedule=["middag", "avond"],
            ),
        ]

    def people(self):
        rng = self.rng
        mentors = self.partners_by_kind["mentor"]
        pseudonyms = set()
        count = pips = 0
        for gemeente, number in cast.PEOPLE_PER_GEMEENTE.items():
            for _ in range(number):
                pseudonym = self._pseudonym(pseudonyms)
                place = self._place(gemeente)
                leerroute = rng.choices(["b1", "z", "onderwijs"], weights=[65, 20, 15])[0]
                birth_year = (
                    rng.randint(1990, 2007) if leerroute == "onderwijs" else rng.randint(1965, 2006)
                )
                level = rng.choices(LEVELS[:5], weights=[25, 30, 25, 15, 5])[0]
                if leerroute == "z":
                    level = rng.choice(["A0", "A1"])
                latin_literate = rng.random() > (0.35 if leerroute == "z" else 0.08)
                fields = dict(
                    postcode=place.pc4,
                    gender=rng.choices(["v", "m", "x"], weights=[48, 51, 1])[0],
                    birth_year=birth_year,
                    arrived_on=date(2024, 1, 1) + timedelta(days=rng.randint(0, 1000)),
                    languages=self._some(cast.HOME_LANGUAGES, 1, 1)
                    + self._some(cast.SECOND_LANGUAGES, 0, 1),
                    level=level,
                    leerroute=leerroute,
                    education=rng.choices(
                        ["geen", "basis", "voortgezet", "mbo", "hbo", "wo"],
                        weights=[10, 25, 30, 15, 12, 8],
                    )[0],
                    availability=sorted(
                        rng.sample(["ochtend", "middag", "avond", "weekend"], rng.randint(2, 4))
                    ),
                    childcare_needed=rng.random() < 0.3,
                    max_travel_km=rng.choice([5, 10, 15, 15, 20]),
                    sectors=rng.sample(cast.SECTORS, rng.randint(0, 2)),
                    mentor_id=rng.choice(mentors).id if rng.random() < 0.15 else None,
                    latin_literate=latin_literate,
                    goals=rng.choice(
                        [None, "Werk vinden", "Een opleiding volgen", "Mensen leren kennen"]
                    ),
                )
                needs = self._needs(leerroute)
                person = create_inburgeraar(
                    self.session, actor_id=self.coordinator_id,
                    gemeente_id=self.gemeenten[gemeente].id, pseudonym=pseudonym,
                    fields=fields, needs=needs,
                )
                person.pip = _demo_pip(person)
                pips += person.pip is not None
                count += 1
        self.counts["inburgeraars"] = count
        self.counts["pips"] = pips

    def _needs(self, leerroute: str) -> dict[str, float]:
        rng = self.rng
        weights = {"taal": rng.choice([2, 3, 3])}
        chance = {
            "werk": 0.5 if leerroute != "onderwijs" else 0.15,
            "opleiding": 0.7 if leerroute == "onderwijs" else 0.1,
            "sociaal_netwerk": 0.6,
            "gezondheid": 0.25,
            "opvoeding": 0.25,
            "rondkomen": 0.35,
        }
        for domain in DOMAINS[1:]:
            if rng.random() < chance[domain]:
                weights[domain] = rng.choice([1, 1, 2, 3])
        return weights

    def _pseudonym(self, taken: set[str]) -> str:
        while True:
            value = "IB-" + "".join(self.rng.choices(PSEUDONYM_ALPHABET, k=6))
            if value not in taken:
                taken.add(value)
                return value

    def _some(self, weighted: dict[str, int], low: int, high: int) -> list[str]:
        count = self.rng.randint(low, high)
        pool = dict(weighted)
        picked = []
        for _ in range(min(count, len(pool))):
            choice = self.rng.choices(list(pool), weights=list(pool.values()))[0]
            picked.append(choice)
            del pool[choice]
        return picked

    def accounts(self, password: str):
        partners = {p.name: p for kind in self.partners_by_kind.values() for p in kind}
        password_hash = hash_password(password)
        for email, role, belongs_to in cast.DEMO_ACCOUNTS:
            # Fictional accounts: the only ones without a second factor (API.md).
            user = User(email=email, role=role, password_hash=password_hash, demo=True)
            if role == "klantmanager":
                user.gemeente = self.gemeenten[belongs_to]
            elif role == "partner":
                user.partner = partners[belongs_to]
            self.session.add(user)
        self.session.flush()
        self.coordinator_id = self.session.scalars(
            select(User.id).where(User.role == "coordinator")
        ).first()
        self.counts["accounts"] = len(cast.DEMO_ACCOUNTS)


# The last day a demo PIP may carry: people who arrived later still wait for theirs.
LAST_PIP_DAY = date(2026, 11, 1)
PIP_LEERROUTE = {"b1": "B", "onderwijs": "O", "z": "Z"}


def _demo_pip(person: Inburgeraar) -> Pip | None:
    """A plausible PIP that keeps DUO's rules, decided one to four months after arrival.

    Its own random stream per person, so the rest of the demo data stays as it was.
    """
    rng = random.Random(f"pip:{person.pseudonym}")
    dagtekening = person.arrived_on + timedelta(days=rng.randint(30, 120))
    if dagtekening > LAST_PIP_DAY:
        return None
    leerroute = PIP_LEERROUTE[person.leerroute]
    alfabetisering = "NVT"
    if not person.latin_literate:
        alfabetisering = "AA" if leerroute == "Z" or rng.random() < 0.3 else "A"
    return Pip(
        dagtekening=dagtekening,
        leerroute=leerroute,
        niveau=None if leerroute == "Z" else "B1",
        intensiteit_b1_uren=rng.randrange(600, 1650, 50) if leerroute == "B" else None,
        alfabetisering=alfabetisering,
    )
