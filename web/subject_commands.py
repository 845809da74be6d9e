"""Flask commands for the data subject's rights and for accounts: thin wrappers over models/."""

import json

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from models.account import User
from models.audit import Access, record_access
from models.errors import NotFound
from models.lockout import unlock_account
from models.subject import export_subject, purge
from models.unit_of_work import UnitOfWork
from web.extensions import db


@click.command("export-subject")
@click.argument("inburgeraar_id", type=int)
@with_appcontext
def export_subject_command(inburgeraar_id: int) -> None:
    """Print everything held about one inburgeraar as JSON (inzage); the export is logged."""
    try:
        with UnitOfWork(db.session):
            document = export_subject(db.session, inburgeraar_id)
            record_access(
                db.session, Access(None, "cli", "export-subject"), "export", [inburgeraar_id]
            )
    except NotFound as error:
        raise click.ClickException(error.message) from error
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Alleen laten zien wat er zou gebeuren.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Anonymise people whose traject ended more than WEGWIJS_RETENTION_DAYS ago."""
    days = current_app.config["WEGWIJS_RETENTION_DAYS"]
    with UnitOfWork(db.session):
        result = purge(db.session, retention_days=days, dry_run=dry_run)
    verb = "Zou anonimiseren" if dry_run else "Geanonimiseerd"
    click.echo(
        f"{verb}: {len(result.inburgeraar_ids)} inburgeraar(s) met een traject dat vóór "
        f"{result.cutoff.isoformat()} eindigde ({days} dagen bewaartermijn); "
        f"{result.needs} hulpvraag/-vragen, {result.intake_needs} hulpvraag/-vragen van de "
        f"intake, {result.notes} toelichting(en) en "
        f"{result.reasons} reden(en) bij verwijzingen."
    )
    if result.inburgeraar_ids:
        click.echo("Ids: " + ", ".join(str(i) for i in result.inburgeraar_ids))
    if dry_run:
        click.echo("Proefdraai: er is niets gewijzigd.")


@click.command("unlock")
@click.argument("email")
@with_appcontext
def unlock_command(email: str) -> None:
    """Unlock an account locked after too many failed logins."""
    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.ClickException("Dit account bestaat niet.")
    with UnitOfWork(db.session):
        unlock_account(db.session, actor_id=None, user_id=user.id)
    click.echo(f"{user.email} is gedeblokkeerd.")
