"""Pages of a werkgever: plekken (baan, stage, werkervaringsplek, vrijwilligerswerk)."""

from web.portal.offer_pages import Wording, offer_blueprint
from web.portal.partner_waitlist import add_waitlist_page

bp = offer_blueprint(
    "werkgever",
    "/werkgever",
    werkgever=True,
    wording=Wording(offers_title="Mijn plekken", offer="plek", new_offer="Nieuwe plek",
                    places="plekken", place="plek"),
)
add_waitlist_page(bp)
