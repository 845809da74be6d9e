"""Pages of a taalschool, maatjesproject, mentor, onderwijsinstelling, welzijn or overig partner."""

from web.portal.offer_pages import Wording, offer_blueprint
from web.portal.partner_waitlist import add_waitlist_page

bp = offer_blueprint(
    "partner",
    "/partner",
    werkgever=False,
    wording=Wording(offers_title="Mijn aanbod", offer="aanbod", new_offer="Nieuw aanbod",
                    places="plaatsen", place="plaats"),
)
add_waitlist_page(bp)
