"""The rules a body runs across its fields take any JSON without failing: a value of the
wrong type is the schema's to name, never a 500 (web/api/schemas.py, Body)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from web.api import schemas
from web.api.validation import field_errors

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=8,
)
FIELDS = ["leerroute", "latin_literate", "arrived_on", "birth_year", "pip", "lat", "lon",
          "min_level", "max_level", "min_age", "max_age", "title", "niveau", "dagtekening",
          "intensiteit_b1_uren", "alfabetisering", "needs"]
BODIES = [schemas.InburgeraarCreate, schemas.InburgeraarChange, schemas.OfferCreate,
          schemas.OfferChange]


@settings(max_examples=300, deadline=None)
@given(body=st.dictionaries(st.sampled_from(FIELDS), JSON | st.dictionaries(
    st.sampled_from(FIELDS), JSON, max_size=5), max_size=8), model=st.sampled_from(BODIES))
def test_any_json_is_valid_or_a_list_of_named_fields(body, model):
    try:
        model.model_validate(body)
    except schemas.ValidationError as error:
        assert all(e["field"] and e["message"] for e in field_errors(error))
