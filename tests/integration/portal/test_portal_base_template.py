"""The layout every page extends: what it sets for itself stays its own."""

import pytest
from flask import render_template_string
from flask_login import login_user

import factories
from web.portal.security import PortalUser

# A page's block, printing the variables its view gave it.
PAGE = ('{% extends "base.html" %}{% block content %}'
        '<p id="page">{{ user }}|{{ items }}|{{ account }}|{{ address }}|{{ messages }}</p>'
        '{% endblock %}')
NAMES = ("user", "items", "account", "address", "messages")


@pytest.mark.parametrize("role", ["coordinator", "klantmanager", "partner"])
def test_the_layout_hides_none_of_a_pages_variables(app, session, role):
    # A top-level {% set user %} in base.html once made the account page show, and deactivate,
    # the signed-in coordinator instead of the account asked for.
    signed_in = factories.user(session, role=role)
    with app.test_request_context("/"):
        login_user(PortalUser(signed_in))
        html = render_template_string(PAGE, **{name: f"<{name} of the page>" for name in NAMES})
    assert signed_in.email.partition("@")[0] in html  # the header shows who is signed in
    shown = html.split('<p id="page">', 1)[1].split("</p>", 1)[0]
    assert shown == "|".join(f"&lt;{name} of the page&gt;" for name in NAMES)
