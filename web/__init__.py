"""The Flask application factory."""

from pathlib import Path

from flask import Flask

from models.database import configure_engine
from web.config import from_environment, instance_secret_key
from web.converters import IdConverter
from web.extensions import db, migrate
from web.unit_of_work import init_unit_of_work

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` (tests) overrides what the environment gives."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(from_environment(app.instance_path))
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    # A failing statement's values (a pseudonym, a goal) stay out of exceptions and the log.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("hide_parameters", True)
    register_extensions(app)
    app.url_map.converters["int"] = IdConverter  # before any rule uses it
    register_blueprints(app)
    register_security(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    # No pool_pre_ping: it costs a database round trip on every request. A dead
    # connection makes SQLAlchemy invalidate the pool instead (see web/outage.py).
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    init_unit_of_work(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)


def register_blueprints(app: Flask) -> None:
    from web.api import register_api
    from web.health import bp as health_bp
    from web.hsds import bp as hsds_bp
    from web.portal import init_portal
    from web.portal.coordinator import bp as coordinator_bp

    app.register_blueprint(health_bp)
    register_api(app)
    app.register_blueprint(hsds_bp)
    init_portal(app)
    app.register_blueprint(coordinator_bp)


def register_security(app: Flask) -> None:
    from web.hardening import init_hardening
    from web.outage import init_outage
    from web.portal.audit_pages import init_audit_pages
    from web.request_log import RedactingFilter

    init_hardening(app)
    app.logger.addFilter(RedactingFilter())  # no mailed link's secret in "Exception on <path>"
    init_outage(app)
    init_audit_pages(app)


def register_commands(app: Flask) -> None:
    from web.commands import (
        create_account_command,
        expire_referrals_command,
        import_hsds_command,
        seed_command,
    )
    from web.subject_commands import export_subject_command, purge_command, unlock_command
    from web.worker import worker_command

    app.cli.add_command(seed_command)
    app.cli.add_command(create_account_command)
    app.cli.add_command(expire_referrals_command)
    app.cli.add_command(import_hsds_command)
    app.cli.add_command(worker_command)
    for command in (export_subject_command, purge_command, unlock_command):
        app.cli.add_command(command)
