"""The API and the portal take every field's rule from one place (models/field_rules.py).

Walks every field of the portal's offer, plek and intake forms, finds the same
field in the API's request schema, and compares what each accepts: lengths,
ranges, patterns, choice lists and what is required. A limit changed on one
side only fails here.
"""

import re
from datetime import date

import pytest
from wtforms.fields.core import UnboundField
from wtforms.validators import InputRequired, Length, NumberRange, Regexp

from models import field_rules as rules
from models.pip import pip_errors
from models.vocabulary import DOMAINS
from web.api import schemas
from web.portal.intake_form import IntakeForm
from web.portal.offer_forms import OfferForm, PlekForm

FORMS = [
    (OfferForm, schemas.OfferCreate, rules.OTHER_OFFER_KINDS, rules.OFFER_REQUIRED),
    (PlekForm, schemas.OfferCreate, rules.WERKGEVER_OFFER_KINDS,
     rules.OFFER_REQUIRED + rules.WERKGEVER_REQUIRED),
    (IntakeForm, schemas.InburgeraarCreate, None, ()),
]


def _form_fields(form_class) -> dict[str, UnboundField]:
    return {name: value for name in dir(form_class)
            if isinstance(value := getattr(form_class, name), UnboundField)}


def _api_field(model, name: str) -> dict:
    """The JSON schema of one request field: its non-null branch, list items unwrapped.

    ``pip.x`` is field ``x`` of the nested PIP object.
    """
    document = model.model_json_schema()
    if name.startswith("pip."):
        schema = document["$defs"]["PipFields"]["properties"][name.removeprefix("pip.")]
    else:
        schema = document["properties"][name]
    schema = next((s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"), schema)
    if "$ref" in schema:  # a named type (an enum) of its own
        schema = document["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    return schema.get("items", schema) | {"array": schema.get("type") == "array"}


def _api_name(field_name: str) -> str:
    if field_name.startswith("need_"):
        return "needs"
    # The intake's PIP fields are the API's nested pip object.
    return "pip." + field_name.removeprefix("pip_") if field_name.startswith("pip_") else (
        field_name)


def _pairs():
    for form_class, model, kinds, required in FORMS:
        for name, unbound in _form_fields(form_class).items():
            yield pytest.param(form_class, model, kinds, required, name, unbound,
                               id=f"{form_class.__name__}.{name}")


def test_every_portal_field_is_an_api_field():
    for form_class, model, *_ in FORMS:
        missing = {name for name in _form_fields(form_class)
                   if _api_name(name).split(".")[0] not in model.model_fields}
        assert not missing, (form_class.__name__, missing)


@pytest.mark.parametrize(("form_class", "model", "kinds", "required", "name", "unbound"),
                         list(_pairs()))
def test_portal_and_api_accept_the_same(form_class, model, kinds, required, name, unbound):
    api = _api_field(model, _api_name(name))
    validators = unbound.kwargs.get("validators", [])
    compared = 0
    for validator in validators:
        if isinstance(validator, Length):
            assert validator.max == api["maxLength"]
            compared += 1
        elif isinstance(validator, NumberRange):
            assert (validator.min, validator.max) == (api["minimum"], api["maximum"])
            compared += 1
        elif isinstance(validator, Regexp) and "pattern" in api and name != "sectors":
            assert validator.regex.pattern == api["pattern"]
            compared += 1
        elif isinstance(validator, InputRequired):
            assert name in required or name in model.model_json_schema().get("required", [])
            compared += 1
    if "choices" in unbound.kwargs:
        offered = {str(c.value) for c in unbound.kwargs["choices"]} - {""}
        if name == "kind":
            assert offered == set(kinds) and offered <= set(api["enum"])
        elif name == "languages":
            assert all(re.match(api["pattern"], code) for code in offered)
        elif name == "sectors":
            # The portal offers one list (models.vocabulary.SECTOR_NAMES), within what the API
            # takes: any sector word (the scenario contract's sectors are free strings).
            assert all(len(code) <= api["maxLength"] and re.match(api["pattern"], code)
                       for code in offered)
        elif name.startswith("need_"):
            # The intake's coarse scale (0: no need) within the API's weights (> 0, ≤ 100).
            weights = _api_field(model, "needs")["additionalProperties"]
            assert all(0 < int(w) <= weights["maximum"] for w in offered - {"0"})
            assert set(_api_field(model, "needs")["propertyNames"]["enum"]) == set(DOMAINS)
        else:
            assert offered == set(api["enum"])
        compared += 1
    if name.startswith("pip_") and "minimum" in api:
        # DUO's rules are the use case's (models/pip.py), for the portal as for the API.
        compared += _pip_rule_matches(name.removeprefix("pip_"), api)
    if not compared:  # a field with no rule of its own: the same type on both sides
        assert api.get("type") in ("boolean", "string", "array") or api.get("format") == "date"


def _pip_rule_matches(field: str, api: dict) -> int:
    """The PIP use case refuses just outside the API's range and takes its ends."""
    base = {"dagtekening": date(2026, 1, 5), "leerroute": "B", "niveau": "B1"}
    for value, ok in ((api["minimum"], True), (api["maximum"], True),
                      (api["minimum"] - 1, False), (api["maximum"] + 1, False)):
        named = {e["field"] for e in pip_errors(base | {field: value})}
        assert (f"pip.{field}" not in named) is ok, (field, value)
    return 1


@pytest.mark.parametrize(("limits", "models"), [
    (rules.OFFER_LIMITS, [schemas.OfferCreate, schemas.OfferChange]),
    (rules.PERSON_LIMITS, [schemas.InburgeraarCreate, schemas.InburgeraarChange]),
    (rules.REFERRAL_LIMITS, [schemas.ReferralCreate, schemas.ReferralChange]),
])
def test_the_api_takes_its_limits_from_the_rules(limits, models):
    for name, limit in limits.items():
        for model in (m for m in models if name in m.model_fields):
            api = _api_field(model, name)
            if isinstance(limit, rules.TextLimit):
                assert (api["maxLength"], api.get("minLength", 0)) == (
                    limit.max_length, limit.min_length), name
            else:
                assert (api["minimum"], api["maximum"]) == (limit.minimum, limit.maximum), name


def test_a_partner_sees_the_same_of_a_person_in_the_api_and_the_portal():
    assert tuple(schemas.ReferredPerson.model_fields) == rules.REFERRED_PERSON_FIELDS
