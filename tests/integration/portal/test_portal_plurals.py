"""Dutch plurals on the coordinator's pages of a new install: "1 account", not "1 accounts".

A gemeente's own install starts with one coordinator and then one partner: the accounts
page said "1 accounts", the partners page "1 partners", the network "1 partners met samen
0 banden", a locked account "1 geblokkeerd(e) account(s)", an unused one "1 account(s) zijn".
"""

from datetime import timedelta

from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401

import factories
from models.base import now_utc


def test_one_of_each_is_counted_in_the_singular(form_client, session):
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    partner = factories.partner(session)
    session.commit()
    log_in(form_client, coordinator)
    accounts = form_client.get("/coordinator/accounts").get_data(as_text=True)
    assert ">1 account<" in accounts
    partners = form_client.get("/coordinator/partners").get_data(as_text=True)
    assert ">1 partner<" in partners
    network = form_client.get("/coordinator/netwerk").get_data(as_text=True)
    assert "1 partner</strong>" in network and "0 banden</strong>" in network
    assert "1 partner en 0 banden" in network
    assert partner.name in partners


def test_a_locked_and_an_unused_account_in_the_singular(form_client, session):
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    factories.user(session, role="coordinator", locked_until=now_utc() + timedelta(minutes=20),
                   last_login_at=now_utc() - timedelta(days=100))
    session.commit()
    log_in(form_client, coordinator)
    accounts = form_client.get("/coordinator/accounts").get_data(as_text=True)
    assert ">1 geblokkeerd account<" in accounts
    assert "1 account is 90 dagen of langer niet gebruikt" in accounts
    assert "(s)" not in accounts and "(e)" not in accounts


def test_one_api_key_in_the_singular(form_client, session):
    from models.account_events import CLI
    from models.tokens import create_api_key

    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    session.commit()
    create_api_key(session, actor_id=coordinator.id, name="koppeling",
                   expires_at=now_utc() + timedelta(days=30), origin=CLI)
    session.commit()
    log_in(form_client, coordinator)
    for path in ("/coordinator/api-sleutels", "/account"):
        page = form_client.get(path).get_data(as_text=True)
        assert ">1 API-sleutel<" in page and "(s)" not in page
