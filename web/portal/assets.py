"""The NL Design System's CSS and font, served from node_modules (installed by ``npm ci``).

Nothing is fetched from a CDN, so the portal works offline. Only the
packages named here are reachable, and only their CSS and font files.
"""

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
PACKAGES = {
    "utrecht-components": NODE_MODULES / "@utrecht" / "component-library-css" / "dist",
    "utrecht-tokens": NODE_MODULES / "@utrecht" / "design-tokens" / "dist",
    "noto-sans": NODE_MODULES / "@fontsource-variable" / "noto-sans",
}
SUFFIXES = (".css", ".woff2")
ONE_DAY = 86400

bp = Blueprint("assets", __name__, url_prefix="/assets")


@bp.get("/<package>/<path:filename>")
def asset(package: str, filename: str):
    folder = PACKAGES.get(package)
    if folder is None or not filename.endswith(SUFFIXES):
        abort(404)
    return send_from_directory(folder, filename, max_age=ONE_DAY)
