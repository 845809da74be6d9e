"""The schema comes from migrations: empty → head → one step down → head."""

import json
from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from conftest import make_test_app
from databases import scratch_database
from models import Base
from models.account_events import ACTIONS as ACCOUNT_ACTIONS
from models.account_events import CLI, record_event
from web.extensions import db

TABLES = {
    "gemeente",
    "wijk",
    "postcode",
    "partner",
    "tie",
    "offer",
    "inburgeraar",
    "need",
    "referral",
    "referral_event",
    "user_account",
}


def _columns():
    """Every (table, column) of the database as it is now."""
    engine = inspect(db.engine)
    return {(table, column["name"]) for table in engine.get_table_names()
            for column in engine.get_columns(table)}


def test_migrations_up_down_up(database_url, tmp_path):
    with scratch_database(database_url, tmp_path) as url:
        app = make_test_app(url)
        with app.app_context():
            assert not set(inspect(db.engine).get_table_names()) & TABLES

            upgrade()
            assert set(inspect(db.engine).get_table_names()) >= TABLES
            head = _schema()

            downgrade(revision="-2")
            # The last two steps undone (the one before the last changes data only): a table,
            # a column, an index or a check less or different.
            assert _schema() != head

            upgrade()
            assert _schema() == head
            db.engine.dispose()


def _schema() -> set:
    return _tables_and_indexes() | _columns() | _checks()


def _checks() -> set:
    inspector = inspect(db.engine)
    return {(table, check["name"], check["sqltext"]) for table in inspector.get_table_names()
            for check in inspector.get_check_constraints(table)}


def _tables_and_indexes() -> set:
    inspector = inspect(db.engine)
    tables = set(inspector.get_table_names())
    return tables | {
        (table, index["name"]) for table in tables for index in inspector.get_indexes(table)
    }


def test_migrated_schema_matches_the_models(app):
    """A model changed without a migration shows up here."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_account_event_the_model_knows_is_allowed_by_the_migrated_check(app, session):
    """compare_metadata leaves CHECKs out: a value added to the model alone fails here."""
    for action in ACCOUNT_ACTIONS:
        record_event(session, action, CLI)
    session.flush()
    session.rollback()


def test_the_needs_at_intake_are_backfilled_from_the_needs_and_dropped_again(
    database_url, tmp_path
):
    """0263210b41b4: people recorded before it get their needs of then as the needs at intake."""
    with scratch_database(database_url, tmp_path) as url:
        app = make_test_app(url)
        with app.app_context():
            upgrade(revision="b7c2e5a91d04")
            session = db.session
            session.execute(text(
                "INSERT INTO gemeente (id, name, cbs_code, lat, lon) "
                "VALUES (1, 'Utrecht', '0344', 52.09, 5.12)"
            ))
            for person_id, pseudonym in ((1, "IB-MIG1"), (2, "IB-MIG2"), (3, "IB-MIG3")):
                session.execute(text(
                    "INSERT INTO inburgeraar (id, pseudonym, gemeente_id, languages, "
                    "availability, childcare_needed, sectors, latin_literate, duaal, "
                    "created_at, updated_at) VALUES (:id, :pseudonym, 1, '[]', '[]', :no, "
                    "'[]', :yes, :no, :at, :at)"
                ), {"id": person_id, "pseudonym": pseudonym, "no": False, "yes": True,
                    "at": datetime(2026, 1, 5, tzinfo=UTC)})
            # Person 3 has no needs left (purged): nothing to snapshot.
            for person_id, domain, weight in ((1, "taal", 3.0), (1, "werk", 1.0),
                                              (2, "rondkomen", 2.5)):
                session.execute(text(
                    "INSERT INTO need (inburgeraar_id, domain, weight) "
                    "VALUES (:person, :domain, :weight)"
                ), {"person": person_id, "domain": domain, "weight": weight})
            session.commit()

            upgrade()
            rows = session.execute(text(
                "SELECT inburgeraar_id, domain, weight FROM intake_need "
                "ORDER BY inburgeraar_id, domain"
            )).all()
            assert [tuple(row) for row in rows] == [
                (1, "taal", 3.0), (1, "werk", 1.0), (2, "rondkomen", 2.5)
            ]
            # A new row takes the next id on PostgreSQL too (the backfill gave none).
            session.execute(text(
                "INSERT INTO intake_need (inburgeraar_id, domain, weight) "
                "VALUES (3, 'taal', 1)"
            ))
            session.commit()

            downgrade(revision="b7c2e5a91d04")
            assert "intake_need" not in inspect(db.engine).get_table_names()
            assert session.execute(text("SELECT count(*) FROM need")).scalar() == 3
            session.remove()
            db.engine.dispose()


def test_existing_referrals_keep_what_is_known_of_the_person_as_referred(database_url, tmp_path):
    """9b4e2d7a6c15: a referral whose person has not changed since gets their fields now."""
    with scratch_database(database_url, tmp_path) as url:
        app = make_test_app(url)
        with app.app_context():
            upgrade(revision="e4c7b60962e6")
            session = db.session
            made = datetime(2026, 3, 1, tzinfo=UTC)
            _insert_a_partner_with_an_offer(session, made, partner_has_active=True)
            for person_id, changed in ((1, datetime(2026, 1, 5, tzinfo=UTC)),
                                       (2, datetime(2026, 6, 1, tzinfo=UTC))):
                _insert_a_person(session, person_id, made - timedelta(days=60), changed,
                                 languages='["ar"]', level="A1")
                session.execute(text(
                    "INSERT INTO referral (id, inburgeraar_id, offer_id, status, created_at, "
                    "status_changed_at) VALUES (:id, :id, 1, 'completed', :at, :at)"
                ), {"id": person_id, "at": made})
            session.commit()

            upgrade(revision="9b4e2d7a6c15")
            rows = dict(session.execute(text(
                "SELECT id, as_referred FROM referral ORDER BY id")).all())
            known = rows[1] if isinstance(rows[1], dict) else json.loads(rows[1])
            assert known == {"languages": ["ar"], "level": "A1", "availability": [],
                             "childcare_needed": False, "sectors": [], "latin_literate": True,
                             "duaal": False}
            # Person 2 changed after the referral: what they were then is not known.
            assert rows[2] is None
            session.remove()
            db.engine.dispose()


def test_a_snapshot_written_before_keeps_as_null_what_it_left_out(database_url, tmp_path):
    """6a1d4f8b2c07: a snapshot's fields left out were empty then, so null ("not known
    then"); a backfilled one (no chance given) keeps leaving out what a PIP decides."""
    with scratch_database(database_url, tmp_path) as url:
        app = make_test_app(url)
        with app.app_context():
            upgrade(revision="3c8d5e1a9f27")
            session = db.session
            made = datetime(2026, 3, 1, tzinfo=UTC)
            _insert_a_partner_with_an_offer(session, made, partner_has_active=True)
            snapshot = {"postcode": "3561", "languages": ["ar"], "level": "A1",
                        "availability": [], "childcare_needed": False, "sectors": [],
                        "duaal": False}
            for person_id, chance, pip in ((1, 0.4, False), (2, None, True), (3, None, False)):
                _insert_a_person(session, person_id, made, made)
                if pip:
                    session.execute(text(
                        "INSERT INTO pip (id, inburgeraar_id, dagtekening, leerroute, niveau, "
                        "alfabetisering) VALUES (:id, :id, :day, 'B', 'B1', 'NVT')"
                    ), {"id": person_id, "day": made.date()})
                session.execute(text(
                    "INSERT INTO referral (id, inburgeraar_id, offer_id, status, created_at, "
                    "status_changed_at, chance_given, as_referred) "
                    "VALUES (:id, :id, 1, 'dropped', :at, :at, :chance, :snapshot)"
                ), {"id": person_id, "at": made, "chance": chance,
                    "snapshot": json.dumps(snapshot)})
            session.execute(text(
                "INSERT INTO referral (id, inburgeraar_id, offer_id, status, created_at, "
                "status_changed_at) VALUES (4, 3, 1, 'completed', :at, :at)"), {"at": made})
            session.commit()

            upgrade()
            rows = {k: v if isinstance(v, dict | None) else json.loads(v) for k, v in
                    session.execute(text("SELECT id, as_referred FROM referral")).all()}
            unknown = {"lat": None, "lon": None, "education": None, "max_travel_km": None,
                       "mentor_id": None}
            from_pip = {"leerroute": None, "latin_literate": None}
            assert rows[1] == snapshot | unknown | from_pip
            assert rows[2] == snapshot | unknown  # the PIP decides those two, as now
            assert rows[3] == snapshot | unknown | from_pip
            assert rows[4] is None  # nothing known of it: it stays so
            session.remove()
            db.engine.dispose()


def test_a_database_with_data_of_the_last_release_upgrades_to_head(database_url, tmp_path):
    """SQLite's batch mode rebuilds tables that others refer to: it must not trip on their rows."""
    with scratch_database(database_url, tmp_path) as url:
        app = make_test_app(url)
        with app.app_context():
            upgrade(revision="0263210b41b4")
            session = db.session
            made = datetime(2026, 3, 1, tzinfo=UTC)
            # Before e4c7b60962e6 a partner has no ``active`` column.
            _insert_a_partner_with_an_offer(session, made, partner_has_active=False)
            session.commit()

            upgrade()
            assert session.execute(text("SELECT partner_id FROM offer")).scalars().all() == [1]
            assert session.execute(text("SELECT name FROM partner")).scalars().all() == ["P"]
            session.remove()
            db.engine.dispose()


def _insert_a_person(session, person_id, made, changed, *, languages="[]", level=None) -> None:
    """Inburgeraar ``person_id`` of gemeente 1, as SQL of the revision the test stands at."""
    session.execute(text(
        "INSERT INTO inburgeraar (id, pseudonym, gemeente_id, languages, level, availability, "
        "childcare_needed, sectors, latin_literate, duaal, created_at, updated_at) VALUES "
        "(:id, :pseudonym, 1, :languages, :level, '[]', :no, '[]', :yes, :no, :at, :changed)"
    ), {"id": person_id, "pseudonym": f"IB-MIG{person_id}", "languages": languages,
        "level": level, "no": False, "yes": True, "at": made, "changed": changed})


def _insert_a_partner_with_an_offer(session, made, *, partner_has_active: bool) -> None:
    """Gemeente 1, partner 1 and its taal offer 1, as SQL of the revision the test stands at."""
    session.execute(text(
        "INSERT INTO gemeente (id, name, cbs_code, lat, lon) "
        "VALUES (1, 'Utrecht', '0344', 52.09, 5.12)"
    ))
    active = (", active", ", :yes") if partner_has_active else ("", "")
    session.execute(text(
        f"INSERT INTO partner (id, uuid, name, kind, gemeente_id, languages{active[0]}, "
        f"created_at) VALUES (1, :uuid, 'P', 'taalschool', 1, '[]'{active[1]}, :at)"),
        {"uuid": "8f1c2d3e-0000-4000-8000-000000000001", "yes": True, "at": made})
    session.execute(text(
        "INSERT INTO offer (id, uuid, partner_id, title, domain, capacity, leerroutes, "
        "schedule, languages, women_only, childcare, sectors, alfa, created_at, "
        "updated_at) VALUES (1, :uuid, 1, 'O', 'taal', 3, '[]', '[]', '[]', :no, :no, "
        "'[]', :no, :at, :at)"),
        {"uuid": "8f1c2d3e-0000-4000-8000-000000000002", "no": False, "at": made})
