"""A request's unit of work decides by what happened, not by the answer's status.

A view that catches a domain error after its use case flushed a change, and
answers calmly (a redirect), must commit nothing: the change is rolled back as
if the error had reached the error handler. A view that meets no error commits,
and so does a batch whose refused row was rolled back to its own SAVEPOINT.
"""

import pytest
from flask import redirect
from sqlalchemy import select

import factories
from conftest import make_test_app
from models import Offer
from models.errors import Conflict, DomainError
from web.extensions import db


@pytest.fixture
def catching_app(database_url, session):
    app = make_test_app(database_url, WTF_CSRF_ENABLED=False)

    @app.post("/test/hernoem/<int:offer_id>/<fail>")
    def rename_then_maybe_refuse(offer_id: int, fail: str):
        offer = db.session.get(Offer, offer_id)
        offer.title = "Hernoemd"
        db.session.flush()  # the change is in the transaction
        try:
            if fail == "ja":
                raise Conflict("Een regel weigert dit.")
        except DomainError:
            return redirect("/")  # caught: the answer is no error
        return redirect("/")

    @app.post("/test/rijen/<int:offer_id>")
    def rows_one_by_one(offer_id: int):
        """A batch: the refused row is rolled back to its SAVEPOINT, the other row stays."""
        offer = db.session.get(Offer, offer_id)
        for title, refused in (("Geweigerd", True), ("Aanvaard", False)):
            savepoint = db.session.begin_nested()
            try:
                offer.title = title
                db.session.flush()
                if refused:
                    raise Conflict("Deze rij wordt geweigerd.")
            except DomainError:
                savepoint.rollback()
            else:
                savepoint.commit()
        return redirect("/")

    return app


def title(session, offer_id):
    session.expire_all()
    return session.scalar(select(Offer.title).where(Offer.id == offer_id))


def test_a_view_catching_a_domain_error_after_a_flush_commits_nothing(catching_app, session):
    offer = factories.offer(session, title="Oorspronkelijk")
    response = catching_app.test_client().post(f"/test/hernoem/{offer.id}/ja")
    assert response.status_code == 302
    assert title(session, offer.id) == "Oorspronkelijk"


def test_a_view_without_a_domain_error_commits(catching_app, session):
    offer = factories.offer(session, title="Oorspronkelijk")
    response = catching_app.test_client().post(f"/test/hernoem/{offer.id}/nee")
    assert response.status_code == 302
    assert title(session, offer.id) == "Hernoemd"


def test_a_row_refused_and_rolled_back_to_its_savepoint_leaves_the_others(catching_app, session):
    offer = factories.offer(session, title="Oorspronkelijk")
    response = catching_app.test_client().post(f"/test/rijen/{offer.id}")
    assert response.status_code == 302
    assert title(session, offer.id) == "Aanvaard"
