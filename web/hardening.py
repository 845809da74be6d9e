"""HTTP hardening: security headers (Flask-Talisman), proxies, caching of personal data.

- Content-Security-Policy: only this site's own scripts, styles, fonts and
  images; no inline script at all; inline ``<style>`` only with the
  request's nonce; ``style`` attributes are allowed (``style-src-attr``)
  because the charts colour cells and bars with them, and a style attribute
  cannot run code. ``frame-ancestors 'none'`` (and X-Frame-Options DENY):
  no other site may frame Wegwijs. X-Content-Type-Options: nosniff.
- HTTPS (``WEGWIJS_HTTPS=1``): plain HTTP is redirected, HSTS is sent, and
  cookies go only over HTTPS. Without it, plain HTTP on 127.0.0.1 works.
- Behind ``WEGWIJS_PROXY_COUNT`` proxies, the client's address and scheme
  come from their X-Forwarded-For/-Proto headers (werkzeug's ProxyFix);
  without proxies those headers are ignored, so nobody can forge an address
  into the access log.
- Pages and API answers may hold personal data: no cache keeps them.
"""

from flask import Flask, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "default-src": SELF,
    "script-src": SELF,
    "style-src": SELF,
    "style-src-attr": "'unsafe-inline'",
    "img-src": [SELF, "data:"],
    "font-src": SELF,
    "connect-src": SELF,
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": SELF,
    "frame-ancestors": "'none'",
}
HSTS_MAX_AGE = 365 * 24 * 3600
# Static files hold nothing personal; browsers may keep them.
CACHEABLE_ENDPOINTS = ("static", "assets.")

def init_hardening(app: Flask) -> None:
    https = bool(app.config.get("WEGWIJS_HTTPS"))
    proxies = int(app.config.get("WEGWIJS_PROXY_COUNT") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    # One Talisman per app: it keeps its settings on itself, so a shared one would give
    # every app the settings of the last one made (an HTTPS app's redirect, say).
    Talisman(
        app,
        force_https=https,
        strict_transport_security=https,
        strict_transport_security_max_age=HSTS_MAX_AGE,
        session_cookie_secure=https,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["style-src"],
        referrer_policy="same-origin",
    )
    app.after_request(_no_store)


def _no_store(response):
    endpoint = request.endpoint or ""
    if not endpoint.startswith(CACHEABLE_ENDPOINTS) and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response
