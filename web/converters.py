"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter

# The largest PostgreSQL integer: no row has a larger id.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in a URL names a row; beyond ``MAX_ID`` the URL routes nowhere (a 404),
    rather than reaching PostgreSQL, which refuses the number (a 500)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
