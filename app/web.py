"""What every page shares: template filters (dates, RAG tags), the navigation, and the route helpers."""

import logging
from collections.abc import Callable

from flask import (
    Flask,
    Request,
    Response,
    abort,
    after_this_request,
    copy_current_request_context,
    flash,
    g,
    has_request_context,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from app.clock import today
from app.extensions import db
from app.form_posts import run_once
from app.models import Rating, Role, SecurityEventKind
from app.services import history, permissions, security_events, sessions
from app.services.errors import ConflictError, DomainError
from app.services.listing import SEARCH_LIMIT, ListQuery
from app.services.numbers import LARGEST_ID, whole_number
from app.services.plain_text import without_control_characters
from app.services.plans import queries as plan_queries
from app.services.plans.due_dates import describe, format_date, written_differently
from app.services.plans.rag import RATING_WORDS
from app.services.reminders import notifications
from app.services.wording import agrees, in_code_order, plural

log = logging.getLogger(__name__)

RAG_TAG_CLASSES = {
    Rating.RED: "govuk-tag--red",
    Rating.AMBER: "govuk-tag--orange",
    Rating.GREEN: "govuk-tag--green",
    Rating.NOT_RATED: "govuk-tag--grey",
}


def rating_label(rating) -> str:
    """A rating's word in the current plan's RAG key (so a renamed label shows everywhere); loaded once a request."""
    if "rating_labels" not in g:
        g.rating_labels = plan_queries.rating_labels()
    rating = Rating(rating)
    return g.rating_labels.get(rating) or RATING_WORDS[rating]


def rag_tag(rating, suffix: str = "") -> Markup:
    """A RAG rating as a coloured tag that always carries the word."""
    rating = Rating(rating)
    text = rating_label(rating) + suffix
    return Markup(f'<strong class="govuk-tag {RAG_TAG_CLASSES[rating]} app-rag">{escape(text)}</strong>')


def navigation() -> list[dict]:
    if not has_request_context() or not current_user.is_authenticated:  # e-mails are rendered outside requests
        return []
    items = [("main.my_work", "My work"), ("plans.overview", "Plan overview"), ("audits.index", "Audits"),
             ("meetings.index", "Meetings"), ("reports.index", "Reports")]
    if current_user.has_role(Role.ADMIN):
        items.append(("admin.people", "Admin"))  # People, Teams and Reminders: one entry (decision 0010)
    endpoint = request.endpoint or ""
    section = endpoint.split(".")[0]
    sections = {"audits", "meetings", "reports", "admin"}  # a link that stays current on every page of its section
    links = [{"href": url_for(name), "text": text,
              "active": endpoint == name or (section in sections and section == name.split(".")[0])}
             for name, text in items]
    links.append(notifications_link(active=section == "notifications"))
    return links


ADMIN_PAGES = [("admin.people", "People"), ("admin.teams", "Teams"), ("admin.reminders", "Reminders"),
               ("admin.security_events", "Security events")]


def admin_navigation() -> list[dict]:
    """The admin section's own links, shown on its list pages under the header's one 'Admin' entry."""
    endpoint = request.endpoint if has_request_context() else None
    if endpoint not in {name for name, _ in ADMIN_PAGES}:
        return []
    return [{"href": url_for(name), "text": text, "current": endpoint == name} for name, text in ADMIN_PAGES]


def unread_notifications() -> int:
    """The signed-in person's unread notices: one COUNT a request, shared by the header and the page."""
    if "unread_notifications" not in g:
        g.unread_notifications = notifications.unread_count(current_user.id)
    return g.unread_notifications


def notifications_link(*, active: bool) -> dict:
    """'Notifications (3)': the count in words too, for screen readers."""
    unread = unread_notifications()
    html = Markup("Notifications")
    if unread:
        html += Markup(' ({}<span class="govuk-visually-hidden"> unread</span>)').format(unread)
    return {"href": url_for("notifications.index"), "html": html, "active": active}


def download(content: bytes, content_type: str, filename: str, *, exported: str | None) -> Response:
    """A file to save, never cached by the browser or a proxy. `exported` says what data leaves the service in it
    ("Plan report, 31 July 2020"), recorded in the security event log; None only for a file holding no data."""
    if exported:
        record_export(exported)
    response = Response(content, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def record_export(what: str) -> None:
    """Data leaving the service as a file, in the security event log against the person downloading it."""
    security_events.record(SecurityEventKind.EXPORTED, person=current_user, detail=what)


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(lambda value: value.strftime("%d/%m/%Y %H:%M") if value else "", "datetime")
    app.add_template_filter(rag_tag, "rag_tag")
    app.add_template_filter(sessions.browser_named, "browser")  # "Chrome 131 on Windows", from a User-Agent
    app.add_template_filter(plural, "plural")  # {{ count|plural("audit") }}: "1 audit", "2 audits"
    app.add_template_filter(lambda items, attribute: in_code_order(items, lambda item: getattr(item, attribute)),
                            "in_code_order")  # {{ recs|in_code_order("code") }}: R1, R2, R10
    app.add_template_global(agrees, "agrees")  # {{ agrees(n, "has", "have") }}
    app.add_template_filter(history.when_words, "when")
    app.add_template_filter(lambda changes: history.said(changes, rating_word=rating_label), "said")
    app.add_template_global(describe, "describe_due")
    app.add_template_global(written_differently, "written_differently")
    app.add_template_global(permissions.manages_plan, "manages_plan")
    app.add_template_global(permissions.sees_audit_contents, "sees_audit_contents")
    app.add_template_global(rating_label, "rating_label")
    app.add_template_global(unread_notifications, "unread_notifications")
    app.add_template_global(list_url, "list_url")

    @app.context_processor
    def shared_context() -> dict:
        return {"service_name": app.config["SERVICE_NAME"], "navigation": navigation(),
                "admin_navigation": admin_navigation(), "today": today()}


# --- Route helpers shared by the blueprints ------------------------------------------------------


PAGE_DIGITS = 6  # a longer page number is beyond any list: the first page is shown


def list_query(sorts, default_sort: str, *, descending: bool = False) -> ListQuery:
    """A long list's search, sort and page from the address (`q`, `sort`, `order`, `page`); anything odd is ignored."""
    sort = request.args.get("sort", "")
    page = request.args.get("page", "")
    order = request.args.get("order", "")
    return ListQuery(
        sort=sort if sort in sorts else default_sort,
        descending=order == "descending" if order in ("ascending", "descending") else descending,
        page=whole_number(page, digits=PAGE_DIGITS) or 1,
        search=request.args.get("q", "").strip()[:SEARCH_LIMIT],
    )


def list_url(query: ListQuery, **changes) -> str:
    """This page's address with the list's search, sort and page (and any other arguments it has) kept."""
    args = request.args.to_dict() | {"q": query.search, "sort": query.sort, "page": query.page,
                                     "order": "descending" if query.descending else "ascending"} | changes
    args = {name: value for name, value in args.items() if value not in ("", None) and not (name == "page" and value == 1)}
    return url_for(request.endpoint, **(request.view_args or {}), **args)


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: ASCII digits only (Werkzeug's own takes any Unicode digit, "١٢"), and no larger
    than a database id can be, so `/milestones/99999999999999999999` is "Page not found" rather than an error from
    the database. Registered as the `int` converter by the app factory."""

    regex = r"[0-9]+"

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


class CleanRequest(Request):
    """Every request's query parameters and form fields without control characters no text may hold (NUL …;
    services/plain_text.py): whatever is typed or sent, pages, the database and Word documents get text. Registered
    as the request class by the app factory."""

    @cached_property
    def args(self) -> MultiDict:
        return _cleaned(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"])


def _cleaned(fields: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict((without_control_characters(name), without_control_characters(value))
                              for name, value in fields.items(multi=True))


def after_the_response(work: Callable[[], object]) -> None:
    """Do `work` once this request's response has been sent, in a copy of its context: for work whose time must not
    show in the answer (asking for a password reset takes longer for a known address, which e-mails a link, than for
    an unknown one). A failure is logged; the answer has gone."""
    in_context = copy_current_request_context(work)

    def run() -> None:
        try:
            in_context()
        except Exception:
            log.exception("Work done after a response failed")

    @after_this_request
    def when_sent(response: Response) -> Response:
        response.call_on_close(run)
        return response


def get_or_404(model, ident: int):
    return db.session.get(model, ident) or abort(404)


def applied(form, change: Callable[[], object], record=None) -> bool:
    """Run a service's change. If the service refuses (a DomainError, already rolled back by the service), show why
    next to its field, or at the top of the page, keeping everything typed, and answer False. A form's change is
    run once per submission: a copy of a saved post is answered like the first (app.form_posts)."""
    try:
        run_once(form, change)
    except DomainError as error:
        show_error(form, error, record)
        return False
    return True


def show_error(form, error: DomainError, record=None) -> None:
    """Put a service's error next to its field (or at the top), keeping everything typed.

    After a conflict the form takes the record's current version, so saving again is a deliberate choice
    made after seeing the message, never a silent overwrite.
    """
    if isinstance(error, ConflictError) and record is not None and form is not None and hasattr(form, "version"):
        form.version.data, form.version.raw_data = record.version, [str(record.version)]
    field = getattr(form, error.field, None) if error.field and form is not None else None
    if field is not None:
        field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
    else:
        flash(error.message, "error")
