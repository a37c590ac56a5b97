"""`flask api-tokens create|list|revoke`: tokens for the read API (docs/api.md, "Tokens")."""

import click

from app import clock
from app.models import Role
from app.services import api_tokens
from app.services.errors import DomainError


@click.group("api-tokens", help="Manage tokens for the read API (/api/v1), for BI tools such as Power BI.")
def api_tokens_group() -> None:
    pass


@api_tokens_group.command("create", help="Make a token and print it once: only its SHA-256 is kept.")
@click.argument("name")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True,
              help="The token reads what a person with this role sees (viewer: the plan and released figures).")
def create(name, role) -> None:
    try:
        made = api_tokens.create(name, Role(role), created_by=None, now=clock.now())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Token '{made.record.name}' ({Role(role).label}). Copy it now: it is not shown again.")
    click.echo(made.token)


@api_tokens_group.command("list", help="Every token: its name, role, when it was made, last used and revoked.")
def list_tokens() -> None:
    rows = api_tokens.every_token()
    if not rows:
        click.echo("No tokens.")
    for token in rows:
        click.echo(f"{token.name}\t{Role(token.role).value}\tcreated {_when(token.created_at)}\t"
                   f"last used {_when(token.last_used_at)}\trevoked {_when(token.revoked_at)}")


@api_tokens_group.command("revoke", help="Stop a token working, at once.")
@click.argument("name")
def revoke(name) -> None:
    try:
        token = api_tokens.revoke(name, now=clock.now())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Token '{token.name}' revoked {_when(token.revoked_at)}.")


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"
