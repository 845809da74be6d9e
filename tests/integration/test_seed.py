"""The U16 geography and the demo coalition."""

import shutil

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from conftest import DEMO_PASSWORD, make_test_app
from databases import scratch_database
from models import Gemeente, Inburgeraar, Offer, Partner, Postcode, Tie, User, Wijk
from models.account_events import CLI
from models.errors import DomainError
from models.pip import SCENARIO_LEERROUTE, pip_errors, recorded
from models.sign_in import sign_in
from models.vocabulary import DOMAINS
from seeds.demo import load_demo
from seeds.errors import SeedError
from seeds.geography import DATA_DIR, GEODATA_DIR, load_geography
from web.extensions import db

MODELS = (Gemeente, Wijk, Postcode, Partner, Tie, Offer, Inburgeraar, User)


def counts(session):
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_geography_is_the_u16(session):
    assert counts(session)["Gemeente"] == 16
    assert counts(session)["Postcode"] == 178
    assert counts(session)["Wijk"] == 10
    overvecht = session.get(Postcode, "3563")
    assert overvecht.gemeente.name == "Utrecht" and overvecht.wijk.name == "Overvecht"
    assert session.get(Postcode, "3701").wijk is None  # Zeist has no wijken here


def test_seed_twice_duplicates_nothing(runner, session):
    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    after_first = counts(session)
    second = runner.invoke(args=["seed", "--demo"])
    assert second.exit_code == 0, second.output
    assert "overgeslagen" in second.output
    assert counts(session) == after_first
    assert after_first["Inburgeraar"] >= 180 and after_first["Partner"] >= 40


def test_demo_coalition_is_plausible(session):
    load_demo(session, password=DEMO_PASSWORD)
    kinds = set(session.scalars(select(Partner.kind)))
    assert kinds == {
        "taalschool",
        "werkgever",
        "maatjesproject",
        "mentor",
        "onderwijsinstelling",
        "welzijn",
        "overig",
    }
    assert all(name.endswith("(fictief)") for name in session.scalars(select(Partner.name)))
    open_domains = set(session.scalars(select(Offer.domain).where(Offer.capacity > 0)))
    assert open_domains == set(DOMAINS)
    gemeenten = set(session.scalars(select(Gemeente.name).join(Inburgeraar)))
    assert {"Utrecht", "Zeist"} <= gemeenten and len(gemeenten) >= 5
    werk_sectors = {s for sectors in session.scalars(select(Offer.sectors)) for s in sectors}
    assert len(werk_sectors) >= 5


def test_demo_accounts_log_in_with_the_configured_password(session):
    load_demo(session, password=DEMO_PASSWORD)
    emails = [
        "coordinator@wegwijs.example",
        "klantmanager.utrecht@wegwijs.example",
        "klantmanager.zeist@wegwijs.example",
        "taalschool@wegwijs.example",
        "werkgever@wegwijs.example",
        "maatjes@wegwijs.example",
    ]
    for email in emails:
        assert authenticate(session, email, DEMO_PASSWORD) is not None, email
        assert authenticate(session, email, "verkeerd-wachtwoord") is None
        # Fictional: the only accounts without a second factor.
        assert session.scalars(select(User).where(User.email == email)).one().demo
    partner_user = authenticate(session, "taalschool@wegwijs.example", DEMO_PASSWORD)
    assert partner_user.partner.kind == "taalschool"
    assert any(o.capacity > 0 for o in partner_user.partner.offers)


def authenticate(session, email, password):
    """The account signed in with this password alone (demo accounts have no second factor)."""
    try:
        result = sign_in(session, email, CLI, password=password)
    except DomainError:
        return None
    return session.get(User, result.user_id) if result.complete else None


def test_demo_password_is_generated_when_not_configured(session):
    _, generated = load_demo(session, password=None)
    assert generated and len(generated) >= 12
    assert authenticate(session, "coordinator@wegwijs.example", generated)


def fingerprint(session):
    partners = [
        (p.uuid, p.name, p.postcode)
        for p in session.scalars(select(Partner).order_by(Partner.name))
    ]
    offers = [
        (o.uuid, o.capacity, o.domain) for o in session.scalars(select(Offer).order_by(Offer.uuid))
    ]
    people = [
        (i.pseudonym, i.postcode, i.level, tuple(sorted(i.needs_by_domain.items())))
        for i in session.scalars(select(Inburgeraar).order_by(Inburgeraar.pseudonym))
    ]
    return partners, offers, people


@pytest.mark.slow
def test_same_seed_same_data(database_url, tmp_path):
    prints = []
    for _ in range(2):
        with scratch_database(database_url, tmp_path) as url:
            app = make_test_app(url)
            with app.app_context():
                upgrade()
                load_geography(db.session)
                load_demo(db.session, seed=7, password=DEMO_PASSWORD)
                prints.append(fingerprint(db.session))
                db.session.remove()
                db.engine.dispose()
    assert prints[0] == prints[1]
    assert len(prints[0][2]) == 200


def _corrupt(tmp_path, file, line_no, new_line):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    for name in ("municipalities_u16.csv", "utrecht_wijken.csv"):
        shutil.copy(GEODATA_DIR / name, data / name)
    lines = (data / file).read_text().splitlines()
    lines[line_no - 1] = new_line
    (data / file).write_text("\n".join(lines) + "\n")
    return data


@pytest.mark.parametrize(
    ("file", "line_no", "new_line", "message"),
    [
        (
            "pc4_u16.csv",
            5,
            "1426,not-a-number,4.8166,de Hoef,De Ronde Venen,0736,Utrecht",
            "pc4_u16.csv:5: lat 'not-a-number' is not a number",
        ),
        (
            "pc4_u16.csv",
            3,
            "13X3,52.27,5.02,Nigtevecht,Stichtse Vecht,1904,Utrecht",
            "pc4_u16.csv:3: postcode '13X3' is not 4 digits",
        ),
        ("municipalities_u16.csv", 2, "Bunnik,0312", "municipalities_u16.csv:2: expected"),
        (
            "utrecht_wijken.csv",
            11,
            "Vleuten-De Meern,52.1,5.0,3451 9999,approx",
            "utrecht_wijken.csv:11: pc4_used names '9999'",
        ),
    ],
)
def test_corrupt_geography_names_file_and_line_and_writes_nothing(
    session, tmp_path, file, line_no, new_line, message
):
    data = _corrupt(tmp_path, file, line_no, new_line)
    # A valid change earlier in the load must not be written either.
    municipalities = data / "municipalities_u16.csv"
    municipalities.write_text(
        municipalities.read_text().replace("Bunnik,0312,3,52.047", "Bunnik,0312,3,52.999")
    )
    before = counts(session)
    with pytest.raises(SeedError, match=message.replace("(", r"\(")):
        load_geography(session, data, data)
    assert counts(session) == before
    assert session.scalars(select(Gemeente.lat).where(Gemeente.name == "Bunnik")).one() == 52.047


def test_demo_pips_are_plausible_and_keep_duos_rules(session):
    load_demo(session, password=DEMO_PASSWORD)
    people = session.scalars(select(Inburgeraar)).all()
    with_pip = [p for p in people if p.pip is not None]
    assert 0.8 * len(people) <= len(with_pip) < len(people)
    for person in with_pip:
        pip = person.pip
        assert pip_errors(pip.as_dict()) == [] and recorded(pip.as_dict()) == pip.as_dict()
        assert person.arrived_on < pip.dagtekening
        assert SCENARIO_LEERROUTE[pip.leerroute] == person.leerroute
        assert (pip.alfabetisering != "NVT") == (not person.latin_literate)
    assert {p.pip.leerroute for p in with_pip} == {"B", "O", "Z"}
    assert {p.pip.alfabetisering for p in with_pip} == {"A", "AA", "NVT"}
