"""Without WEGWIJS_SMTP_URL the worker writes each mail as one .eml file under instance/mail/."""

import email

import factories
from models.referral_service import refer
from models.unit_of_work import UnitOfWork
from web.worker import Worker


def test_mails_become_eml_files_once_each(app, session, tmp_path):
    partner_user = factories.user(session, role="partner")
    km = factories.user(session, role="klantmanager")
    offer = factories.offer(session, partner_id=partner_user.partner_id)
    with UnitOfWork(session):
        referral = refer(session, actor_id=km.id, offer_id=offer.id,
                         inburgeraar_id=factories.inburgeraar(session).id)
    worker = Worker({**app.config, "WEGWIJS_SMTP_URL": None}, str(tmp_path))
    assert worker.deliver() == 1
    assert worker.deliver() == 0  # sent: not claimed again
    [path] = (tmp_path / "mail").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes())
    assert message["Message-ID"] == f"<referral-{referral.id}-sent.{partner_user.id}@localhost>"
    assert message["To"] == partner_user.email
    assert f"/partner/verwijzingen/{referral.id}" in message.get_payload(decode=True).decode()
