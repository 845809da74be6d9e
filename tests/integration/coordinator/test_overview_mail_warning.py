"""The overview warns, in Dutch, when mail is stuck (models.reports.overview.stuck_mail)."""

from datetime import timedelta

from test_coordinator_pages import log_in

import factories
from models.base import now_utc
from models.mail_health import STUCK_AFTER, beat
from models.reports.overview import stuck_mail
from models.unit_of_work import UnitOfWork


def test_the_overview_warns_in_dutch_when_mail_is_stuck(client, session):
    mail = factories.outbox_mail(session)
    log_in(client, factories.user(session, role="coordinator"))
    with UnitOfWork(session):
        mail.created_at = now_utc() - STUCK_AFTER + timedelta(minutes=1)
    assert stuck_mail(session) is None
    assert "De mail blijft hangen" not in client.get("/").get_data(as_text=True)

    with UnitOfWork(session):
        mail.created_at = now_utc() - timedelta(hours=3, minutes=5)
        beat(session, worker="w1", now=now_utc() - timedelta(minutes=50))
    page = client.get("/").get_data(as_text=True)
    assert "De mail blijft hangen" in page
    assert "wacht al 3 uur" in page and "50 minuten geleden" in page


def test_the_overview_says_when_no_worker_ever_ran(session):
    mail = factories.outbox_mail(session)
    with UnitOfWork(session):
        mail.created_at = now_utc() - timedelta(days=2, hours=1)
    warning = stuck_mail(session)
    assert warning.waiting == "2 dagen" and warning.heartbeat is None
