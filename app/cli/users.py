"""`flask users create`: a person who can sign in (the very first administrator, before anyone can send set-up
links); `flask users set-up-link`: a set-up link printed, for when e-mail is not working yet; `flask users
reseal-second-factors`: every authenticator secret sealed with the first of SECOND_FACTOR_KEYS."""

import click
from flask import current_app, url_for

from app import clock
from app.models import Role
from app.services import password_links, passwords, people, second_factor
from app.services.errors import DomainError


@click.group("users", help="Manage people who can sign in.")
def users_group() -> None:
    pass


@users_group.command("create", help="Create a person who can sign in (or give an existing person a login).")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.VIEWER.value, show_default=True)
@click.option("--job-title", default=None)
@click.option("--team", default=None, help="Team name; created if new.")
@click.password_option(help=f"Prompted for when not given: at least {passwords.MIN_LENGTH} characters, not a common "
                            "password, not the person's email address or name.")
def users_create(name, email, role, job_title, team, password) -> None:
    message = passwords.problem(password, email=email.strip().lower(), name=name.strip())
    if message:
        raise click.BadParameter(message, param_hint="--password")
    try:
        person = people.grant_login(name=name, email=email, role=Role(role), job_title=job_title, team_name=team,
                                    password=password, now=clock.now())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"{person.name} <{person.email}> can now sign in as {Role(role).label}.")


@users_group.command("set-up-link", help="Print a set-up link for a person who can sign in, to give them yourself "
                                         "(it is not e-mailed). Any earlier set-up link stops working.")
@click.option("--email", required=True)
def users_set_up_link(email) -> None:
    try:
        token = password_links.set_up_token(email, now=clock.now())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    with current_app.test_request_context():
        link = current_app.config["BASE_URL"] + url_for("auth.new_password", token=token)
    click.echo(f"Set-up link (works once, for {current_app.config['SET_UP_LINK_DAYS']} days):\n{link}")


@users_group.command("reseal-second-factors", help="Seal every authenticator app's secret with the first key of "
                                                   "SECOND_FACTOR_KEYS: once after upgrading, and after putting a new "
                                                   "key first. Then an older key may be dropped.")
def users_reseal_second_factors() -> None:
    click.echo(f"{second_factor.reseal_all()} second factors sealed with the first key.")
