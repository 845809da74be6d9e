"""The portal's one error path: every refusal of a use case reaches the form the same way."""

from models.errors import InvalidInput, NotEligible, OfferFull
from web.portal.intake_form import IntakeForm
from web.portal.offer_forms import OfferForm


def test_field_errors_go_beside_their_fields_and_the_rest_above_the_form(app):
    with app.test_request_context(method="POST"):
        form = OfferForm(meta={"csrf": False})
        form.show_error(InvalidInput("Ongeldig.", [
            {"field": "capacity", "message": "Te laag."},
            {"field": "partner_id", "message": "Deze partner bestaat niet."},
        ]))
        form.show_error(OfferFull("Dit aanbod heeft geen vrije plaats meer."))
        form.show_error(NotEligible("Komt niet in aanmerking: niveau.", [("level", "niveau")]))
        assert form.capacity.errors == ["Te laag."]
        assert form.form_errors == [
            "Deze partner bestaat niet.", "Dit aanbod heeft geen vrije plaats meer.",
            "Komt niet in aanmerking: niveau."]


def test_a_use_case_field_the_form_names_otherwise_is_mapped(app):
    with app.test_request_context(method="POST"):
        form = IntakeForm(meta={"csrf": False})
        form.show_error(InvalidInput("Ongeldig.", [{"field": "needs", "message": "Geef er één."}]))
        assert form.need_taal.errors == ["Geef er één."] and form.form_errors == []
