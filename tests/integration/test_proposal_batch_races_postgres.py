"""Two klantmanagers refer rows of the allocation proposal at once, on PostgreSQL.

Each row is referred in a SAVEPOINT of its own, so a refused row says why and
the others stand (models/proposal.py). Two batches whose rows cross, the
first taking offer A then B and the second B then A (or person 1 then 2, and
2 then 1), used to lock them in that crossing order: PostgreSQL found the
deadlock and ended one transaction, an error that is no row's refusal, so
the whole batch was lost (a 500 in the portal) and none of its rows said why.
A barrier holds each batch after its first row, so the crossing happens every
time; once the batches lock in one order, the second waits at its start and
the barrier times out.
"""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

import factories
from databases import migrated_postgres
from models import Referral, proposal
from models.proposal import ProposalRow, refer_rows
from models.unit_of_work import UnitOfWork


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    with migrated_postgres(tmp_path_factory.mktemp("batch"), pool_size=6) as (sessions, _):
        yield sessions


def _world(sessions, offers: int, people: int):
    with sessions() as session:
        kms = [factories.user(session, role="klantmanager").id for _ in range(2)]
        domains = ["taal", "sociaal_netwerk", "gezondheid", "opvoeding"]
        offer_ids = [factories.offer(session, capacity=4, domain=domains[n],
                                     kind="taalcursus" if n == 0 else "activiteit",
                                     partner_id=factories.partner(session, kind="overig").id).id
                     for n in range(offers)]
        person_ids = [factories.inburgeraar(session, needs={d: 2 for d in domains}).id
                      for _ in range(people)]
        return kms, offer_ids, person_ids


def _batches_crossing(sessions, monkeypatch, batches):
    """Run two batches at once, each held after its first row until the other got there too
    (or 2 s passed: it waits for the first batch's locks). Returns each batch's outcomes."""
    after_first_row = threading.Barrier(2, timeout=2)
    refer = proposal.refer
    seen = threading.local()

    def refer_then_wait(*args, **kwargs):
        referral = refer(*args, **kwargs)
        if not getattr(seen, "first", False):
            seen.first = True
            with contextlib.suppress(threading.BrokenBarrierError):  # the other waits
                after_first_row.wait()
        return referral

    monkeypatch.setattr(proposal, "refer", refer_then_wait)

    def run(km_id, rows):
        with sessions() as session, UnitOfWork(session):
            return refer_rows(session, actor_id=km_id, rows=rows)

    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(run, km_id, rows) for km_id, rows in batches]
        return [job.result() for job in jobs]


def _row(person_id, offer_id, domain):
    return ProposalRow(person_id, domain, offer_id, offer_id)


def _referrals(sessions, person_ids):
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Referral).where(
            Referral.inburgeraar_id.in_(person_ids)))


@pytest.mark.postgres
def test_two_batches_crossing_two_offers_are_both_answered_row_by_row(pg, monkeypatch):
    sessions = pg
    (km1, km2), (a, b), people = _world(sessions, offers=2, people=4)
    outcomes = _batches_crossing(sessions, monkeypatch, [
        (km1, [_row(people[0], a, "taal"), _row(people[1], b, "sociaal_netwerk")]),
        (km2, [_row(people[2], b, "sociaal_netwerk"), _row(people[3], a, "taal")]),
    ])
    assert [[o.problem for o in batch] for batch in outcomes] == [[None, None], [None, None]]
    assert _referrals(sessions, people) == 4


@pytest.mark.postgres
def test_two_batches_crossing_two_people_are_both_answered_row_by_row(pg, monkeypatch):
    sessions = pg
    (km1, km2), offers, (first, second) = _world(sessions, offers=4, people=2)
    outcomes = _batches_crossing(sessions, monkeypatch, [
        (km1, [_row(first, offers[0], "taal"), _row(second, offers[1], "sociaal_netwerk")]),
        (km2, [_row(second, offers[2], "gezondheid"), _row(first, offers[3], "opvoeding")]),
    ])
    assert [[o.problem for o in batch] for batch in outcomes] == [[None, None], [None, None]]
    assert _referrals(sessions, [first, second]) == 4
