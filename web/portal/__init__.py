"""The portal: server-rendered Dutch pages for partners, werkgevers, klantmanagers, coordinator.

Views parse a form, call the use cases under models/ with ids, and show
domain errors beside the fields; they hold no rule of their own.
"""

from flask import Flask, Response, current_app, g, request
from sqlalchemy import exists, select

from models.account import User
from web.extensions import db
from web.portal import (
    accessibility,
    account_pages,
    assets,
    auth,
    enrolment,
    home,
    klantmanager,
    mail_settings,
    partner,
    werkbak,
    werkgever,
)
from web.portal.coalition_admin import init_coalition_admin
from web.portal.errors import register_error_pages
from web.portal.extensions import csrf, login_manager
from web.portal.filters import register_filters
from web.portal.navigation import add_nav_item
from web.portal.security import check_session_age

# Paths that are not the portal's pages: no portal session is checked for them.
NOT_PORTAL_PATHS = ("/api/", "/hsds", "/health", "/assets/", "/static/")

# Blueprints authenticated by bearer token, not by cookie: CSRF does not apply.
CSRF_FREE_BLUEPRINTS = ("api",)

COORDINATOR_PAGES = (
    ("Capaciteit en vraag", "coordinator.capacity"),
    ("Verwijzingen", "coordinator.funnel"),
    ("Netwerk", "coordinator.network"),
    ("Kaart", "coordinator.map"),
    ("Wat als", "coordinator.what_if_page"),
    ("Voorspellingen", "coordinator.predictions"),
)


def init_portal(app: Flask) -> None:
    configure_cookies(app)
    app.config.setdefault("WTF_I18N_ENABLED", False)
    # CSRF is checked by the hook below, for every blueprint but the token API.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(_check_csrf)
    login_manager.init_app(app)
    app.before_request(_check_session_age)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te zien."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    assets.init_assets(app)
    for module in (accessibility, auth, enrolment, account_pages, home, werkbak, partner,
                   werkgever, klantmanager, mail_settings):
        app.register_blueprint(module.bp)
    init_coalition_admin(app)
    app.context_processor(_demo_environment)
    register_navigation(app)
    register_error_pages(app)
    register_filters(app)


def configure_cookies(app: Flask) -> None:
    """Every cookie HttpOnly and SameSite=Lax, and Secure under WEGWIJS_HTTPS.

    The config covers the cookies Flask and Flask-Login set themselves; but
    Flask-Login clears its remember cookie with a bare ``delete_cookie``, so a
    hook adds to every Set-Cookie header what it lacks. Registered before
    Flask-Login's own hook, it runs after it.
    """
    secure = bool(app.config.get("WEGWIJS_HTTPS"))
    for prefix in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        app.config[f"{prefix}_HTTPONLY"] = True
        app.config[f"{prefix}_SAMESITE"] = "Lax"
        app.config[f"{prefix}_SECURE"] = secure
    app.after_request(lambda response: flag_cookies(response, secure=secure))


def flag_cookies(response: Response, *, secure: bool) -> Response:
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return response
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        if "httponly" not in attributes:
            cookie += "; HttpOnly"
        if "samesite" not in attributes:
            cookie += "; SameSite=Lax"
        if secure and "secure" not in attributes:
            cookie += "; Secure"
        response.headers.add("Set-Cookie", cookie)
    return response


def register_navigation(app: Flask) -> None:
    add_nav_item(app, "Werkbak", "werkbak.index", ("klantmanager", "partner"),
                 count=werkbak.nav_count)
    add_nav_item(app, "Mijn aanbod", "partner.offers", ("partner",), werkgever=False)
    add_nav_item(app, "Verwijzingen", "partner.referrals", ("partner",), werkgever=False)
    add_nav_item(app, "Mijn plekken", "werkgever.offers", ("partner",), werkgever=True)
    add_nav_item(app, "Verwijzingen", "werkgever.referrals", ("partner",), werkgever=True)
    add_nav_item(app, "Inburgeraars", "klantmanager.inburgeraars", ("klantmanager",))
    add_nav_item(app, "Verwijzingen", "klantmanager.referrals", ("klantmanager",))
    add_nav_item(app, "Verdeelvoorstel", "klantmanager.allocation", ("klantmanager",))
    add_nav_item(app, "Wachtlijst", "klantmanager.waitlist", ("klantmanager",))
    add_nav_item(app, "Wachtlijsten", "partner.waitlists", ("partner",), werkgever=False)
    add_nav_item(app, "Wachtlijsten", "werkgever.waitlists", ("partner",), werkgever=True)
    add_nav_item(app, "Overzicht", "home.index", ("coordinator",))
    for label, endpoint in COORDINATOR_PAGES:
        add_nav_item(app, label, endpoint, ("coordinator",))
    add_nav_item(app, "Mailinstellingen", "settings.mail", ("partner", "klantmanager"))


def _demo_environment() -> dict:
    """The layout says "demo-omgeving" while demo accounts (without a second factor) exist."""
    def demo_environment() -> bool:
        if g.get("database_unreachable"):  # the outage page must not ask the database
            return False
        return db.session.scalar(
            select(exists().where(User.demo.is_(True), User.is_active.is_(True))))

    return {"demo_environment": demo_environment}


def _check_session_age():
    if request.path.startswith(NOT_PORTAL_PATHS):
        return None
    return check_session_age()


def _check_csrf() -> None:
    if not current_app.config["WTF_CSRF_ENABLED"] or request.endpoint is None:
        return
    if request.blueprint and request.blueprint.split(".")[0] in CSRF_FREE_BLUEPRINTS:
        return
    csrf.protect()
