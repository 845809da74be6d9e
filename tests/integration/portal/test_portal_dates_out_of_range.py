"""A date in a filter far outside any period Wegwijs knows (9999-12-31, 0001-01-01) is
refused with the field named, where the funnel, the referrals behind it and the access log
answered 500: the day after 9999-12-31, or the first of year 1 in UTC, lies outside Python's
dates (OverflowError)."""

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401

import factories


@pytest.mark.parametrize("path, field", [
    ("/coordinator/verwijzingen?van=2026-01-01&tot=9999-12-31", "tot"),
    ("/coordinator/verwijzingen?van=0001-01-01&tot=2026-01-01", "van"),
    ("/coordinator/verwijzingen/lijst?van=2026-01-01&tot=9999-12-31", "tot"),
    ("/coordinator/verwijzingen/lijst?van=0001-01-01", "van"),
    ("/coordinator/verwijzingen/lijst?van=2026-01-01&tot=9999-12-31&formaat=csv", "tot"),
    ("/coordinator/verwijzingen.csv?van=2026-01-01&tot=9999-12-31", "tot"),
    ("/coordinator/toegang?until=9999-12-31", "until"),
    ("/coordinator/toegang?since=0001-01-01", "since"),
])
def test_a_date_out_of_range_is_refused_naming_the_field(form_client, session, path, field):
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    session.commit()
    log_in(form_client, coordinator)
    response = form_client.get(path)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'href="#{field}"' in page and "Vul een datum tussen 1900 en 2999 in." in page
