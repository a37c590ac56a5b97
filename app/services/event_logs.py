"""The two logs people read: the security event log (administrators) and the audit access log (QA leads).

Both are read newest first, a page at a time (services/listing), with the same filters: what happened, who (a name
or e-mail address, searched), a date range (dd/mm/yyyy; a date that cannot be read is flagged next to its field and
left out of the filter, never guessed), and for each log its own one (the client address; the audit's case
reference). Reading a log is not itself logged: opening the access log is not a view of any audit.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from app.extensions import db
from app.models import ApiToken, Audit, AuditAccess, Person, PoolCase, SecurityEvent, SecurityEventKind
from app.services.exports import Table
from app.services.listing import SEARCH_LIMIT, ListPage, ListQuery, paged
from app.services.plans.due_dates import read_date

NEWEST_FIRST = "at"
DOWNLOAD_LIMIT = 50_000  # events in one download (the newest): a year of a large council's sign-ins is about this
SECURITY_HEADINGS = ["When", "What", "Who", "Who's e-mail address", "By whom", "Client address", "Detail"]
SECURITY_SORTS = {NEWEST_FIRST: (SecurityEvent.at, SecurityEvent.id)}
ACCESS_SORTS = {NEWEST_FIRST: (AuditAccess.at, AuditAccess.id)}
ACCESS_KINDS = {"view": "Viewed", "edit": "Opened to edit", "moderate": "Opened to moderate", "export": "Exported",
                "api": "Read through the API"}


@dataclass(frozen=True)
class LogFilter:
    """What a log page was asked for, as typed (`typed`), and what could be read from it."""

    kind: str | None = None
    person: str = ""
    since: date | None = None
    until: date | None = None
    text: str = ""  # the client address (security events) or case reference (audit access), contained
    typed: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # field name: message

    @property
    def active(self) -> bool:
        return any(self.typed.values())


def read_filter(args, *, kinds, text_name: str) -> LogFilter:
    """The filters from the address. An unknown kind is ignored; a bad date is a problem next to its field."""
    typed = {name: args.get(name, "").strip()[:SEARCH_LIMIT] for name in ("kind", "person", "from", "to", text_name)}
    problems, dates = {}, {}
    for name in ("from", "to"):
        reading = read_date(typed[name]) if typed[name] else None
        if reading and reading.problem:
            problems[name] = reading.problem
        dates[name] = reading.on if reading else None
    if dates["from"] and dates["to"] and dates["to"] < dates["from"]:
        problems["to"] = "The ‘to’ date must be the same as or after the ‘from’ date"
        dates["to"] = None
    return LogFilter(kind=typed["kind"] if typed["kind"] in kinds else None, person=typed["person"],
                     since=dates["from"], until=dates["to"], text=typed[text_name], typed=typed, problems=problems)


def security_events_page(filters: LogFilter, query: ListQuery) -> ListPage:
    """A page of the security event log, newest first, with whom each event is about and who caused it."""
    return paged(_security_events(filters), _newest_first(query), sorts=SECURITY_SORTS)


def security_events_table(filters: LogFilter) -> Table:
    """The events the filters choose, newest first, as a table to download (at most DOWNLOAD_LIMIT of them)."""
    events = db.session.scalars(_security_events(filters).order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
                                .limit(DOWNLOAD_LIMIT)).unique()
    return Table("Security events", SECURITY_HEADINGS, [
        [event.at.strftime("%d/%m/%Y %H:%M:%S"), event.kind.label, event.person.name if event.person else "",
         event.person.email if event.person else "", event.actor.name if event.actor else "", event.client or "",
         event.detail] for event in events])


def _security_events(filters: LogFilter):
    person = aliased(Person)
    statement = (select(SecurityEvent).outerjoin(person, SecurityEvent.person_id == person.id)
                 .options(contains_eager(SecurityEvent.person.of_type(person)), joinedload(SecurityEvent.actor)))
    if filters.kind:
        statement = statement.where(SecurityEvent.kind == SecurityEventKind(filters.kind))
    if filters.person:
        statement = statement.where(_person_matches(person, filters.person))
    if filters.text:
        statement = statement.where(SecurityEvent.client.contains(filters.text, autoescape=True))
    return _within(statement, SecurityEvent.at, filters)


def access_page(filters: LogFilter, query: ListQuery, *, audit: Audit | None = None) -> ListPage:
    """A page of the audit access log (all of it, or one audit's), newest first, with who (a person, or the API token
    that read) and which case. The person filter also finds a token by its name."""
    statement = (select(AuditAccess).outerjoin(AuditAccess.person).outerjoin(AuditAccess.api_token)
                 .join(Audit, AuditAccess.audit_id == Audit.id).join(Audit.case)
                 .options(contains_eager(AuditAccess.person), contains_eager(AuditAccess.api_token)))
    if audit is not None:
        statement = statement.where(AuditAccess.audit_id == audit.id)
    if filters.kind:
        statement = statement.where(AuditAccess.kind == filters.kind)
    if filters.person:
        statement = statement.where(or_(_person_matches(Person, filters.person),
                                        ApiToken.name.icontains(filters.person, autoescape=True)))
    if filters.text:
        statement = statement.where(PoolCase.reference.icontains(filters.text, autoescape=True))
    statement = _within(statement, AuditAccess.at, filters).add_columns(PoolCase.reference)
    return paged(statement, _newest_first(query), sorts=ACCESS_SORTS)


def _person_matches(person, words: str):
    return or_(person.name.icontains(words, autoescape=True), person.email.icontains(words, autoescape=True))


def _within(statement, column, filters: LogFilter):
    if filters.since:
        statement = statement.where(column >= datetime.combine(filters.since, time.min))
    if filters.until:
        statement = statement.where(column < datetime.combine(filters.until + timedelta(days=1), time.min))
    return statement


def _newest_first(query: ListQuery) -> ListQuery:
    return ListQuery(sort=NEWEST_FIRST, descending=True, page=query.page, size=query.size)
