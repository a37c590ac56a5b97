"""Shared fixtures: the app on a clean database (SQLite in memory, or PostgreSQL via TEST_DATABASE_URL),
a client, sign-in helpers and small factories for people and plans."""

import os
import socket
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import g
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db as _db
from app.models import (
    Action,
    Area,
    DueKind,
    Milestone,
    MilestoneStatus,
    Person,
    PersonKind,
    Plan,
    RagKeyEntry,
    Rating,
    Role,
)
from app.services.plans import facts as milestone_facts
from app.services.plans.facts import Window
from config import TestingConfig

PASSWORD = "correct-horse-battery"
FAST_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")  # tests only: quick to check
NOW = datetime(2020, 7, 31, 12, 0)
TODAY = date(2020, 7, 31)


def pytest_configure(config):
    """Tests run in parallel workers (pytest-xdist): on PostgreSQL each worker gets a database of its own
    (tracker_test_gw0, tracker_test_gw1 …, made on first use), so no worker drops another's tables. SQLite databases
    are each test's own already."""
    url, worker = os.environ.get("TEST_DATABASE_URL"), getattr(config, "workerinput", {}).get("workerid")
    if url and worker and make_url(url).get_backend_name() == "postgresql":
        own = _database_of_its_own(url, worker)
        os.environ["TEST_DATABASE_URL"] = TestingConfig.SQLALCHEMY_DATABASE_URI = own


def _database_of_its_own(url: str, worker: str) -> str:
    shared = make_url(url)
    own = shared.set(database=f"{shared.database}_{worker}")
    engine = create_engine(shared, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}):
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture
def app(tmp_path):
    app = create_app("testing")
    app.config["AS_OF_DATE"] = TODAY
    app.config["MAIL_FILE_DIR"] = str(tmp_path / "mail")  # e-mail goes to files unless a test starts a server
    # Tests hold one app context for their whole run, which Flask reuses for every request; in service each
    # request has its own. Start each request with an empty `g`, as in service: first, before the sign-in check reads
    # the person signed in (Flask-Login keeps them in `g`), so that a session ended since the last request counts.
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.__dict__.clear())
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        milestone_facts.work_out_all(Window.configured(TODAY))  # as in service after the first page: kept up to date
        _db.session.commit()
        yield app
        _db.session.remove()
        _db.drop_all()


class Inbox:
    """What a real SMTP server on loopback (aiosmtpd) received: (envelope recipients, parsed message)."""

    def __init__(self):
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's handler hook)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


class Clock:
    """The service's clock (app.clock), fixed at `at` until a test moves it on."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **interval) -> None:
        self.at += timedelta(**interval)


@pytest.fixture
def clock(monkeypatch):
    """Every reading of the time through app.clock (now, as_of_now) answers the clock, from 31/07/2020 09:00."""
    fixed = Clock(datetime(2020, 7, 31, 9, 0))

    class Fixed(datetime):
        @classmethod
        def now(cls, tz=None):
            return fixed.at

    monkeypatch.setattr("app.clock.datetime", Fixed)
    return fixed


@pytest.fixture
def smtp_server(app):
    server = SmtpServer()
    server.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT_SECONDS=5)
    yield server
    server.stop()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_person(db):
    def make(name: str, role: Role = Role.VIEWER, *, kind: PersonKind = PersonKind.INDIVIDUAL, login: bool = True):
        person = Person(name=name, kind=kind, role=role,
                        email=f"{name.lower().replace(' ', '.')}@test.example" if kind == PersonKind.INDIVIDUAL else None)
        if login and kind == PersonKind.INDIVIDUAL:
            person.password_hash = FAST_PASSWORD_HASH
        db.session.add(person)
        db.session.commit()
        return person

    return make


@pytest.fixture
def login(client):
    def sign_in(person: Person):
        client.post("/logout")
        response = client.post("/login", data={"email": person.email, "password": PASSWORD})
        assert response.status_code == 302, "sign-in failed"
        return client

    return sign_in


def rag_key(plan: Plan) -> list[RagKeyEntry]:
    words = [(Rating.RED, "Red", ""), (Rating.AMBER, "Amber", "Yellow"), (Rating.GREEN, "Green", ""),
             (Rating.NOT_RATED, "Not rated", "")]
    return [RagKeyEntry(plan=plan, rating=r, label=label, synonyms=syn, definition=label, position=i)
            for i, (r, label, syn) in enumerate(words)]


@pytest.fixture
def plan_tree(db, make_person):
    """A plan with one area, one action and one milestone owned by 'Olive Owner', led by 'Lee Lead'."""
    owner = make_person("Olive Owner")
    lead = make_person("Lee Lead")
    plan = Plan(title="Test Improvement Plan", revision="Revised April 2020")
    plan.rag_key = rag_key(plan)
    area = Area(plan=plan, number="1.0", title="Management oversight", position=0)
    action = Action(area=area, number="1.1", what="Improve supervision", position=0)
    milestone = Milestone(action=action, deliverable="Supervision audit completed", responsible=owner, leads=[lead],
                          status=MilestoneStatus.IN_PROGRESS, due_kind=DueKind.DATE, due_on=date(2020, 9, 30),
                          due_raw="30/09/20")
    db.session.add_all([plan, area, action, milestone])
    db.session.commit()
    return {"plan": plan, "area": area, "action": action, "milestone": milestone, "owner": owner, "lead": lead}


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


@pytest.fixture
def count_queries(db):
    return lambda: QueryCounter(db.engine)
