"""Flask commands: thin wrappers that parse options and call seeds/ or models/."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from models.accounts import invite_from_command_line
from models.clock import local_today
from models.errors import DomainError
from models.hsds_import import HsdsImportError, import_hsds, read_hsds_path
from models.referral_service import expire_referrals
from models.unit_of_work import UnitOfWork
from models.vocabulary import ROLES
from seeds.demo import DEFAULT_SEED, load_demo
from seeds.demo_history import load_demo_history
from seeds.errors import SeedError
from seeds.geography import load_geography
from web.extensions import db


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also create the fictional demo coalition.")
@click.option("--seed", "seed", default=DEFAULT_SEED, show_default=True, help="Random seed.")
@with_appcontext
def seed_command(demo: bool, seed: int) -> None:
    """Load the U16 geography and, with --demo, the demo coalition (once)."""
    try:
        counts = load_geography(db.session)
        click.echo(
            f"Geografie: {counts['gemeenten']} gemeenten, {counts['wijken']} wijken, "
            f"{counts['postcodes']} postcodes."
        )
        if not demo:
            return
        password = current_app.config.get("WEGWIJS_DEMO_PASSWORD")
        counts, generated = load_demo(db.session, seed=seed, password=password)
    except SeedError as error:
        raise click.ClickException(str(error)) from error
    if counts is None:
        click.echo("Demo-coalitie overgeslagen: de database heeft al partners.")
        return
    click.echo("Demo-coalitie: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")
    referrals = load_demo_history(db.session, seed=seed, today=local_today())
    click.echo(f"Demo-verwijzingen uit de afgelopen maanden: {referrals}.")
    if generated:
        click.echo(f"Wachtwoord van de demo-accounts (wordt maar één keer getoond): {generated}")


@click.command("create-account")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="De rol van het account.")
@click.option("--gemeente", help="De gemeente van een klantmanager.")
@click.option("--partner-id", type=int, help="De partner (id) van een partneraccount.")
@with_appcontext
def create_account_command(email: str, role: str, gemeente: str | None,
                           partner_id: int | None) -> None:
    """Invite a person (a fresh install's first coordinator): prints the link and mails it."""
    try:
        with UnitOfWork(db.session):
            invitation, again = invite_from_command_line(
                db.session, email=email, role=role, partner_id=partner_id, gemeente=gemeente)
    except DomainError as error:
        problems = [f"{e['field']}: {e['message']}" for e in getattr(error, "errors", [])]
        raise click.ClickException("; ".join(problems) or error.message) from error
    url = current_app.config["WEGWIJS_PUBLIC_URL"].rstrip("/") + invitation.path
    done = ("had nog geen wachtwoord: een nieuwe uitnodiging, de vorige link werkt niet meer"
            if again else "aangemaakt")
    click.echo(f"Account {invitation.user.email} ({role}) {done}. De uitnodiging is "
               "gemaild (via de worker); de link werkt 72 uur en één keer:")
    click.echo(url)


@click.command("expire-referrals")
@with_appcontext
def expire_referrals_command() -> None:
    """Expire referrals unanswered for 14 days; safe to run on several machines at once."""
    with UnitOfWork(db.session):
        expired = expire_referrals(db.session)
    click.echo(f"{len(expired)} verwijzing(en) verlopen.")


@click.command("import-hsds")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--gemeente", help="Gemeente voor organisaties zonder locatie in Nederland.")
@click.option("--domein", "domain", help="Domein voor diensten zonder Wegwijs-domeinterm.")
@with_appcontext
def import_hsds_command(path: Path, gemeente: str | None, domain: str | None) -> None:
    """Import HSDS 3.1 organizations and services (a JSON file or a folder): all or nothing."""
    try:
        with UnitOfWork(db.session):
            result = import_hsds(
                db.session, read_hsds_path(path), default_gemeente=gemeente, default_domain=domain
            )
    except HsdsImportError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(error.message) from error
    for what in ("organisaties", "diensten"):
        click.echo(
            f"{what.capitalize()}: {result.created[what]} nieuw, {result.updated[what]} "
            f"bijgewerkt, {result.unchanged[what]} ongewijzigd."
        )
    for note in result.skipped:
        click.echo(f"Overgeslagen: {note}.")
