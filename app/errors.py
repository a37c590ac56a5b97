"""The error pages. "Not found", "no access" and "too large" are ordinary pages (base.html, with the navigation).
A problem with the service (500), and the database out of reach (503), are answered by a page that needs nothing
from the database: templates/errors/without_database.html, rendered straight from the template, without the context
processors that look up the person signed in, the navigation or the unread notifications (each a query). So a
person sees what happened in plain words, in the service's own header and footer, whatever is down."""

import logging

from flask import Flask, current_app, render_template
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from app.api import error_response, is_api_request

log = logging.getLogger(__name__)

NOT_IN_THE_API = "There is no such address in the API. Its operations are listed at /api/v1/openapi.json."
RETRY_AFTER_SECONDS = 60  # the page says "try again in a minute"
UNAVAILABLE = 503
PROBLEM = 500


def register(app: Flask) -> None:
    from app import form_posts  # a copy of a saved form post is answered like the first (AlreadySaved)

    form_posts.register(app)
    for code, title in ((403, "You do not have access to this page"), (404, "Page not found"),
                        (413, "The file is too large")):
        app.register_error_handler(code, _handler(code, title))
    app.register_error_handler(PROBLEM, lambda error: (without_database(PROBLEM), PROBLEM))
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(DisconnectionError, _database_error)


def _handler(code: int, title: str):
    def handle(error):
        if is_api_request():  # an address under /api/ that names nothing: the API's JSON, not a page
            return error_response(code, NOT_IN_THE_API if code == 404 else title)
        return render_template("errors/error.html", code=code, title=title), code

    return handle


def _database_error(error: Exception):
    """The database cannot be reached (stopped, restarting, the network): 503 with Retry-After. Any other database
    error is a problem with the service (500)."""
    if not out_of_reach(error):
        log.exception("Database error", exc_info=error)
        return without_database(PROBLEM), PROBLEM
    log.error("The database cannot be reached: %s", error)
    return without_database(UNAVAILABLE), UNAVAILABLE, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def out_of_reach(error: Exception) -> bool:
    return isinstance(error, OperationalError | InterfaceError | DisconnectionError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def without_database(code: int) -> str:
    """The page for `code`, from the template alone: no context processor runs, so nothing is read from the
    database, the person's session or the notifications."""
    template = current_app.jinja_env.get_template("errors/without_database.html")
    return template.render(code=code, service_name=current_app.config["SERVICE_NAME"],
                           council_name=current_app.config["COUNCIL_NAME"])
