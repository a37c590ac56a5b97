"""The database out of reach (issue 18, "Faults handled as a person would want"): every page answers 503 with the
service's own page saying what happened, in plain words, and that nothing saved is lost; the page itself reads
nothing from the database. A change that was committed answers its redirect even if the database goes a moment
later. When the database is back, the service carries on without a restart."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from app.extensions import db as _db
from app.models import ProgressUpdate as Update
from tests.integration.served_form import page_form

GONE = "The service cannot reach its database just now."


class Outage:
    """Every statement from now on fails as a stopped server's would (the driver's own OperationalError)."""

    def __init__(self, engine):
        self.engine, self.down, self.attempts = engine, False, 0

    def _refuse(self, *args, **kwargs):
        if self.down:
            self.attempts += 1
            raise self.engine.dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def outage(app):
    outage = Outage(_db.engine)
    event.listen(_db.engine, "before_cursor_execute", outage._refuse)
    yield outage
    event.remove(_db.engine, "before_cursor_execute", outage._refuse)


@contextmanager
def database_down(outage):
    _db.session.remove()  # what the test itself holds: a web request starts with nothing in hand
    outage.down = True
    try:
        yield
    finally:
        outage.down = False


def assert_branded_unavailable(response) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert "Sorry, the service is unavailable" in html and GONE in html
    assert "Nothing you saved before this is lost." in html
    assert "check whether it was saved before sending it again" in html
    assert "govuk-service-navigation" in html and "Improvement Tracker" in html  # the service's own header
    assert "Accessibility statement" in html and "govuk-footer" in html
    assert "Traceback" not in html and "OperationalError" not in html and "SELECT" not in html


def test_every_signed_in_page_says_the_database_cannot_be_reached(plan_tree, login, client, outage):
    login(plan_tree["owner"])
    milestone_id = plan_tree["milestone"].id
    with database_down(outage):
        for address in ("/my-work", "/plan", f"/milestones/{milestone_id}", "/account/notifications"):
            assert_branded_unavailable(client.get(address))
        assert outage.attempts == 4  # one statement tried a page (loading the session): the error page tries none


def test_an_update_sent_while_the_database_is_down_is_refused_plainly_and_stored_once_sent_again(
        plan_tree, login, client, outage, db):
    login(plan_tree["owner"])
    address = f"/milestones/{plan_tree['milestone'].id}/updates/new"
    form = page_form(client.get(address).get_data(as_text=True), address)
    form["body"] = "Audit tool agreed with the team managers"
    with database_down(outage):
        assert_branded_unavailable(client.post(address, data=form))
    assert db.session.scalar(select(func.count()).select_from(Update)) == 0
    again = client.post(address, data=form)  # back: the same running app, no restart
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Update)) == 1


def test_a_problem_with_the_service_is_the_branded_page_without_the_database(plan_tree, login, client, outage, app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in service: an unexpected error is answered, not raised

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    login(plan_tree["owner"])
    response = client.get("/broken")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "Sorry, there is a problem with the service" in html
    assert "Nothing you saved before this is lost." in html and "a bug" not in html and "govuk-footer" in html


def test_a_saved_change_answers_its_redirect_even_if_the_database_goes_right_after_the_commit(
        plan_tree, login, client, outage, db):
    """The issue's fault: an update stored yet answered 500 because the route read the milestone again after the
    commit; the person retried and saved it twice."""
    login(plan_tree["owner"])
    for address in (f"/milestones/{plan_tree['milestone'].id}/updates/new",
                    f"/milestones/{plan_tree['milestone'].id}/updates/new?next=/my-work"):
        form = page_form(client.get(address).get_data(as_text=True), address)
        form["body"] = "Audit tool agreed"
        db.session.remove()

        def gone_after_the_update_is_committed(session):
            if any(isinstance(record, Update) for record in session.identity_map.values()):
                outage.down = True

        event.listen(_db.session, "after_commit", gone_after_the_update_is_committed)
        try:
            response = client.post(address, data=form)
        finally:
            event.remove(_db.session, "after_commit", gone_after_the_update_is_committed)
            outage.down = False
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert db.session.scalar(select(func.count()).select_from(Update)) == 2
