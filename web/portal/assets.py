"""The portal's stylesheets, font and icon: versioned URLs, kept for a year, compressed.

The NL Design System's CSS and font come from node_modules (installed by
``npm ci``): nothing is fetched from a CDN, so the portal works offline.
``make assets`` trims the design system's CSS with ``portal.css`` to what the
templates use (PurgeCSS: about 600 KB to 130 KB) into ``web/static/build/portal.css``;
while that file is missing or older than one of its sources (a template
changed since), the pages link the untrimmed files instead, so a page never
misses a style.

Every URL carries its file's content hash (``?v=``): a browser may then keep
the file a year without asking again (``immutable``), and a changed file gets
a new URL. Flask-Compress sends CSS and SVG gzip- or brotli-compressed.
"""

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, abort, request, send_from_directory, url_for
from flask_compress import Compress

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = PROJECT_ROOT / "node_modules"
STATIC = PROJECT_ROOT / "web" / "static"
PACKAGES = {
    "utrecht-components": NODE_MODULES / "@utrecht" / "component-library-css" / "dist",
    "utrecht-tokens": NODE_MODULES / "@utrecht" / "design-tokens" / "dist",
    "noto-sans": NODE_MODULES / "@fontsource-variable" / "noto-sans",
}
SUFFIXES = (".css", ".woff2")
# What the trimmed stylesheet is made of, in order (as the Makefile's assets target has it).
UNTRIMMED = (("assets.asset", "utrecht-tokens", "index.css"),
             ("assets.asset", "utrecht-components", "index.css"),
             ("static", None, "portal.css"))
TRIMMED = "build/portal.css"
# What make assets reads besides the sources above: a change there makes the build stale.
TRIM_INPUTS = (PROJECT_ROOT / "web" / "templates", PROJECT_ROOT / "web" / "portal")
ONE_YEAR = 365 * 24 * 3600
ONE_DAY = 24 * 3600
# Only files that hold nothing personal: compressing pages with a CSRF token beside
# text an attacker chose would open them to BREACH.
COMPRESSED_TYPES = ["text/css", "image/svg+xml", "image/x-icon", "image/vnd.microsoft.icon"]

bp = Blueprint("assets", __name__, url_prefix="/assets")
compress = Compress()


def init_assets(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Each file compressed once per encoding and content, not on every request.
    app.config.setdefault("COMPRESS_CACHE_BACKEND", CompressedFiles)
    app.config.setdefault("COMPRESS_CACHE_KEY", _compressed_key)
    compress.init_app(app)
    app.register_blueprint(bp)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.jinja_env.globals["stylesheets"] = stylesheets
    app.jinja_env.globals["asset_url"] = asset_url
    # Registered after Flask-Compress's hook, so it runs before it.
    app.after_request(_cache_versioned)


@bp.get("/<package>/<path:filename>")
def asset(package: str, filename: str):
    folder = PACKAGES.get(package)
    if folder is None or not filename.endswith(SUFFIXES):
        abort(404)
    return send_from_directory(folder, filename, max_age=ONE_DAY)


def favicon():
    return send_from_directory(STATIC, "favicon.ico", max_age=ONE_DAY)


def asset_url(endpoint: str, filename: str, package: str | None = None) -> str:
    """The file's URL with its content hash: ``/static/portal.css?v=3f2a…``."""
    values = {"package": package} if package else {}
    return url_for(endpoint, filename=filename, v=content_hash(_path(endpoint, package, filename)),
                   **values)


def stylesheets() -> list[str]:
    """The URLs of the stylesheets every page links: the font, then the trimmed build
    when it is up to date, else the untrimmed files it is made of."""
    urls = [asset_url("assets.asset", "index.css", "noto-sans")]
    if _trimmed_at_start():
        return [*urls, asset_url("static", TRIMMED)]
    return urls + [asset_url(endpoint, filename, package)
                   for endpoint, package, filename in UNTRIMMED]


@cache
def _trimmed_at_start() -> bool:
    """Looked at once per process: a server started after ``make assets`` serves the build."""
    return trimmed_is_current()


def trimmed_is_current() -> bool:
    build = STATIC / TRIMMED
    if not build.exists():
        return False
    sources = [_path(e, p, f) for e, p, f in UNTRIMMED]
    sources += [f for folder in TRIM_INPUTS for f in folder.rglob("*")
                if f.suffix in (".html", ".py")]
    return build.stat().st_mtime >= max(source.stat().st_mtime for source in sources)


def content_hash(path: Path) -> str:
    stat = path.stat()
    return _hash(path, stat.st_mtime_ns, stat.st_size)


@cache
def _hash(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _path(endpoint: str, package: str | None, filename: str) -> Path:
    folder = PACKAGES[package] if endpoint == "assets.asset" else STATIC
    return folder / filename


class CompressedFiles(dict):
    """Flask-Compress's cache: a few files, each in two encodings, for the process's life."""

    def set(self, key: str, value: bytes) -> None:
        self[key] = value


def _compressed_key(_request) -> str:
    """The file and its content: a file rebuilt while the server runs is compressed anew."""
    path = _served_path()
    return f"{request.path}:{content_hash(path) if path else request.full_path}"


def _served_path() -> Path | None:
    if request.endpoint not in ("static", "assets.asset", "favicon"):
        return None
    args = request.view_args or {}
    if request.endpoint == "favicon":
        return STATIC / "favicon.ico"
    path = _path(request.endpoint, args.get("package"), args.get("filename", ""))
    return path if path.is_file() else None


def _cache_versioned(response):
    """A file asked for with its current hash may be kept a year; with another, a day.

    The file is read into the response here: Flask-Compress would gzip a streamed file
    not at all (only brotli, which browsers ask for over HTTPS only).
    """
    path = _served_path() if response.status_code == 200 else None
    if path is None:
        return response
    version = request.args.get("v")
    if version and version == content_hash(path):
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.public = True
        response.cache_control.immutable = True
    if response.mimetype in COMPRESSED_TYPES and response.is_streamed:
        response.direct_passthrough = False
        response.make_sequence()
    return response
