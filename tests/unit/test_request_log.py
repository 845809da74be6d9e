"""gunicorn's logs, as ``gunicorn.conf.py`` configures them, hold no mailed secret, no search
and no credentials."""

import logging
import runpy
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from web import create_app
from web.extensions import db
from web.request_log import SECRET_PATHS

ROOT = Path(__file__).resolve().parents[2]
SECRET = "GrnG40rM21F_Oxp5WGDa2MUi-5qXdZcnaeC2LFWAdyg"
PSEUDONYM = "IB-LBHD5J"
TOKEN = "kJ8s0-apisleutel-geheim"


def project_logger(tmp_path, access_log_format=None):
    """The logger gunicorn builds from the project's gunicorn.conf.py, writing to files."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    for name, value in settings.items():
        if name in config.settings:
            config.set(name, value)
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("errorlog", str(tmp_path / "error.log"))
    if access_log_format:
        config.set("access_log_format", access_log_format)
    return config.logger_class(config)


def request(uri: str, referer: str) -> tuple:
    path, _, query = uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": uri, "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "test", "HTTP_AUTHORIZATION": f"Bearer {TOKEN}",
        "HTTP_COOKIE": "session=abc",
    }
    headers = [("AUTHORIZATION", f"Bearer {TOKEN}"), ("COOKIE", "session=abc"),
               ("REFERER", referer)]
    response = SimpleNamespace(status="200 OK", sent=100, headers=[("Set-Cookie", "s=1")])
    return response, SimpleNamespace(headers=headers), environ, timedelta(milliseconds=5)


def written(tmp_path, name) -> str:
    return (tmp_path / name).read_text()


def test_the_access_log_hides_mailed_secrets_and_searches(tmp_path):
    logger = project_logger(tmp_path)
    for uri, referer in (
        (f"/uitnodiging/{SECRET}", "-"),
        ("/static/portal.css", f"http://127.0.0.1:8000/uitnodiging/{SECRET}"),
        (f"/wachtwoord-herstellen/{SECRET}", "-"),
        (f"/klantmanager/inburgeraars?q={PSEUDONYM}&formaat=csv",
         f"https://wegwijs.example/klantmanager/inburgeraars?q={PSEUDONYM}"),
    ):
        logger.access(*request(uri, referer))
    log = written(tmp_path, "access.log")
    assert SECRET not in log and PSEUDONYM not in log
    assert '"GET /uitnodiging/*** HTTP/1.1"' in log
    assert "http://127.0.0.1:8000/uitnodiging/***" in log
    assert '"GET /klantmanager/inburgeraars?q=***&formaat=*** HTTP/1.1"' in log


def test_a_custom_format_writes_no_credentials_either(tmp_path):
    logger = project_logger(tmp_path, access_log_format=(
        "%(U)s %(q)s {authorization}i {cookie}i {referer}i {set-cookie}o "
        "{raw_uri}e {query_string}e {http_authorization}e {http_cookie}e"))
    logger.access(*request(f"/uitnodiging/{SECRET}?q={PSEUDONYM}", "-"))
    log = written(tmp_path, "access.log")
    for hidden in (SECRET, PSEUDONYM, TOKEN, "session=abc", "s=1"):
        assert hidden not in log


def test_the_error_log_names_a_request_without_its_secret(tmp_path):
    logger = project_logger(tmp_path)
    try:
        raise RuntimeError("kapot")
    except RuntimeError:
        logger.exception("Error handling request %s", f"/uitnodiging/{SECRET}")
    log = written(tmp_path, "error.log")
    assert "Error handling request /uitnodiging/***" in log and SECRET not in log


def test_every_page_that_takes_a_secret_is_hidden():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "test"})
    taking_one = {rule.rule.split("<secret>")[0] for rule in app.url_map.iter_rules()
                  if "secret" in rule.arguments}
    assert taking_one and taking_one <= set(SECRET_PATHS)


def test_the_apps_error_log_names_no_secret_and_no_sql_values(caplog):
    """A 500 logs its path and traceback: neither a mailed link's secret nor the values a
    failing statement was given (a pseudonym, a goal) may be in it."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "test"})
    with app.test_request_context(f"/uitnodiging/{SECRET}", method="POST"), app.app_context():
        try:
            db.session.execute(text("SELECT * FROM geen_tabel WHERE pseudonym = :p"),
                               {"p": PSEUDONYM})
        except OperationalError:
            app.log_exception(sys.exc_info())
    logged = "\n".join(r.getMessage() + (logging.Formatter().formatException(r.exc_info)
                                         if r.exc_info else "") for r in caplog.records)
    assert "Exception on /uitnodiging/*** [POST]" in logged
    assert SECRET not in logged and PSEUDONYM not in logged
