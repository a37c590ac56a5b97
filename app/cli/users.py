"""`flask users create`: a person who can sign in."""

import click

from app import clock
from app.models import Role
from app.services import people
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
@click.password_option(help="Prompted for when not given.")
def users_create(name, email, role, job_title, team, password) -> None:
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    try:
        person = people.grant_login(name=name, email=email, role=Role(role), job_title=job_title, team_name=team,
                                    password=password, now=clock.now())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"{person.name} <{person.email}> can now sign in as {Role(role).label}.")
