"""Every form and filter, fuzzed (hypothesis): each page of the permission matrix is opened by someone allowed to
see it, one of its forms is filled in as served with some fields replaced by hostile values (numbers of any size,
signs and other scripts' digits, NUL and control characters, long text, odd dates) and submitted as a browser
would. No answer is ever a 500, and an input the service refuses (the form shown again, or a 4xx) writes nothing.

Each example starts from the same database: the SQLite database is copied once the world is made and copied
back before every example (hypothesis runs a test's function-scoped fixtures once for all its examples). CI runs
`FUZZ_EXAMPLES` examples (2,000 by default, the same ones each run); `make fuzz` runs 10,000 new ones. The pages are
dealt into SHARDS tests, each trying its share of the examples, so that parallel test workers share the work.
"""

import os
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from werkzeug.datastructures import MultiDict

from app.models import AuditAccess, Role, SecurityEvent, SignInAttempt
from tests.conftest import PASSWORD
from tests.integration.served_form import _Forms
from tests.integration.test_permissions import EXTRA_URLS, LEAD, MATRIX, OWNER, world  # noqa: F401  (world)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
SHARDS = 4
# The suite's run tries the same examples every time (a fixed seed), so it cannot pass on one run and fail on the
# next; `make fuzz` (FUZZ_EXAMPLES set) draws new ones each run, to find what the fixed ones miss.
SAME_EXAMPLES_EACH_RUN = "FUZZ_EXAMPLES" not in os.environ
settings.register_profile("fuzz", max_examples=max(EXAMPLES // SHARDS, 1), deadline=None, database=None, print_blob=True,
                          derandomize=SAME_EXAMPLES_EACH_RUN,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])

# who opens each page: the first of these the permission matrix lets in
OPENERS = [Role.ADMIN, Role.PROGRAMME_MANAGER, Role.QA_LEAD, Role.AUDITOR, OWNER, LEAD, Role.VIEWER]
SKIPPED_ACTIONS = {"/logout", "/account/sessions/end"}  # signing out (here or everywhere) is not input to fuzz
# tables written whatever the answer: the audit access log (reading an audit), the sign-in attempts (a refused
# sign-in is counted, by design: app/services/sign_in.py) and the security event log (a failed sign-in, a download)
WRITTEN_BY_READING = {AuditAccess.__tablename__, SignInAttempt.__tablename__, SecurityEvent.__tablename__}
# pages that keep what was typed even when they refuse it: the audit form saves the draft, then shows what stops its
# submission (app/audits/routes/audits.py: save)
KEEPS_WHAT_IS_TYPED = {"/audits/{audit}/edit"}
ERROR_SHOWN = ("govuk-error-summary", "govuk-error-message")

NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from([str(2**63), str(2**64), str(2**31), "9" * 400, "-1", "+1", "0", "00", "1e309", "nan", "inf",
                     "1.5", "0x10", "²", "١٢", "１２", " 7 "]),
)
DATES = st.one_of(
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
    st.dates().map(str),
    st.sampled_from(["31/02/2020", "29/02/2021", "00/00/0000", "99/99/9999", "31/09/20", "1/1/1", "9999-12-31",
                     "0001-01-01", "2020-13-01", "tomorrow", "Q3 2020", "31/12/99999999999999999999"]),
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.builds(lambda character, count: character * count, st.characters(codec="utf-8"),
              st.integers(min_value=300, max_value=70_000)),
    st.sampled_from(["\x00", "a\x00b", "\r\n", "<script>alert(1)</script>", "=1+1", "' OR 1=1 --", "%", "_",
                     "\u202e", "\ufeff", "🙂" * 300]),
)
HOSTILE = st.one_of(NUMBERS, DATES, TEXT)


def who_opens(expected: dict):
    return next((who for who in OPENERS if expected.get(who) == 200), None)


PAGES = sorted({(template, who_opens(expected))
                for _, (method, template, expected) in [*MATRIX.items(), *EXTRA_URLS.items()]
                if method == "GET" and who_opens(expected) is not None
                and not template.endswith((".xlsx", ".csv", ".png", ".docx", ".css", ".ics"))},
               key=lambda page: (page[0], str(page[1])))


def forms_in(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [form for form in parser.forms if form["action"] not in SKIPPED_ACTIONS]


class Database:
    """The in-memory SQLite database (files included: they are stored in it) copied once and copied back before
    each example."""

    def __init__(self, db):
        self.db = db
        self.live = db.engine.raw_connection().driver_connection
        self.copy = sqlite3.connect(":memory:")
        self.live.backup(self.copy)

    def restore(self):
        self.db.session.rollback()
        self.copy.backup(self.live)
        self.db.session.expire_all()  # the objects the session holds are read again from the copy

    def rows(self) -> dict[str, int]:
        tables = [table for table in self.db.metadata.sorted_tables if table.name not in WRITTEN_BY_READING]
        counts = " UNION ALL ".join(f"SELECT '{table.name}', COUNT(*) FROM \"{table.name}\"" for table in tables)
        return dict(self.db.session.execute(text(counts)).all())


@pytest.fixture
def fuzzing(app, db, world):  # noqa: F811
    """A signed-in client for each role that opens a page, the world's ids, and the database to reset."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the fuzz test resets an SQLite database between examples")
    people, ids = world
    clients = {}
    for who in {who for _, who in PAGES}:
        clients[who] = app.test_client()
        response = clients[who].post("/login", data={"email": people[who].email, "password": PASSWORD})
        assert response.status_code == 302
    yield clients, ids, Database(db)


def refused(response) -> bool:
    """A 4xx, or the page shown again with an error summary or an error next to a field."""
    if 400 <= response.status_code < 500:
        return True
    return response.status_code == 200 and any(mark in response.get_data(as_text=True) for mark in ERROR_SHOWN)


def filled_in(form: dict, data) -> MultiDict:
    """The form's fields as served, each kept, left out or replaced by a hostile value; its first named button."""
    fields = []
    for name, value in form["fields"]:
        choice = data.draw(st.sampled_from(["served", "hostile", "hostile", "left out"]), label=name)
        if choice != "left out":
            fields.append((name, value if choice == "served" else data.draw(HOSTILE, label=name)))
    buttons = [(name, value) for name, value in form["buttons"].items() if name]
    if buttons:
        fields.append(data.draw(st.sampled_from(buttons), label="button"))
    return MultiDict(fields)


@pytest.mark.parametrize("shard", range(SHARDS))
@settings(settings.get_profile("fuzz"))
@given(data=st.data())
def test_no_form_or_filter_answers_500_and_refused_input_writes_nothing(fuzzing, shard, data):
    clients, ids, database = fuzzing
    database.restore()
    template, who = data.draw(st.sampled_from(PAGES[shard::SHARDS]), label="page")
    url = template.format(**ids)
    page = clients[who].get(url)
    assert page.status_code == 200, f"{url} as {who}"
    forms = forms_in(page.get_data(as_text=True))
    if not forms:
        return
    form = data.draw(st.sampled_from(forms), label="form")
    action = form["action"] or url
    action = action if form["method"] == "post" else action.split("?")[0]  # a GET form's fields are the query
    sent = filled_in(form, data)
    before = database.rows()
    response = clients[who].open(action, method=form["method"].upper(), **{
        "data" if form["method"] == "post" else "query_string": sent})
    assert response.status_code != 500, f"{form['method']} {action} {sent!r}"
    if refused(response) and template not in KEEPS_WHAT_IS_TYPED:
        after = database.rows()
        written = {table: after[table] - count for table, count in before.items() if after[table] != count}
        assert not written, f"{form['method']} {action} was refused ({response.status_code}) but wrote {written}"
