"""Flask commands, one module per command group: `flask demo load`, `flask users create`,
`flask audits load-tool|recount`, `flask reminders send-due`, `flask scheduler run`, `flask plans import|template`,
`flask reports plan|audit-month|audit|update-pack`, `flask api-tokens create|list|revoke`, `flask backup create|restore`."""

from flask import Flask

from .api_tokens import api_tokens_group
from .audits import audits_group
from .backup import backup_group
from .demo import demo_group
from .plans import plans_group
from .reminders import reminders_group
from .reports import reports_group
from .scheduler import scheduler_group
from .users import users_group


def register(app: Flask) -> None:
    app.cli.add_command(demo_group)
    app.cli.add_command(users_group)
    app.cli.add_command(audits_group)
    app.cli.add_command(reminders_group)
    app.cli.add_command(scheduler_group)
    app.cli.add_command(plans_group)
    app.cli.add_command(reports_group)
    app.cli.add_command(api_tokens_group)
    app.cli.add_command(backup_group)
