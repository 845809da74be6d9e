"""An id in a URL beyond PostgreSQL's integers routes nowhere: a 404, never a database error."""

import pytest
from werkzeug.exceptions import NotFound

from web.converters import MAX_ID


@pytest.mark.parametrize("path", [
    "/klantmanager/inburgeraars/{id}/intake",
    "/klantmanager/verwijzingen/{id}",
    "/partner/verwijzingen/{id}",
    "/coordinator/accounts/{id}/deblokkeren",
])
def test_ids_beyond_postgres_integers_do_not_route(app, path):
    urls = app.url_map.bind("localhost")
    method = "POST" if path.endswith("deblokkeren") else "GET"
    assert urls.match(path.format(id=MAX_ID), method=method)[1]
    with pytest.raises(NotFound):
        urls.match(path.format(id=MAX_ID + 1), method=method)
