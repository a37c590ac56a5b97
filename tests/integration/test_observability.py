"""Request ids, logs as JSON lines, and the Prometheus metrics behind their token, through HTTP as a monitoring system
(or an attacker) would use them."""

import io
import json
import logging
import re
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.clock import as_of_now
from app.models import EmailState, NoticeKind, Notification, SchedulerRun, SubjectType
from app.observability import _ServiceHandler, configure_logging
from app.services.plans.queries import Window
from app.services.reports import update_pack
from tests.conftest import NOW, TODAY

TOKEN = "metrics-token-for-tests"


def _log_lines(app, client, path: str) -> tuple[str, list[str]]:
    """Ask for a page while something logs, and return the request id sent back and what the service logged."""
    handler = next(each for each in logging.getLogger().handlers if isinstance(each, _ServiceHandler))
    stream = io.StringIO()
    handler.setStream(stream)

    @app.before_request
    def say_something():
        logging.getLogger("app.test").warning("looking at %s", path)

    response = client.get(path)
    return response.headers["X-Request-ID"], stream.getvalue().splitlines()


def test_every_response_has_a_request_id_of_its_own(client):
    first, second = client.get("/health"), client.get("/health")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_an_id_from_outside_is_ignored_unless_the_proxy_is_trusted(app, client):
    offered = {"X-Request-ID": "proxy-1a2b.3c:4d"}
    assert client.get("/health", headers=offered).headers["X-Request-ID"] != "proxy-1a2b.3c:4d"
    app.config["TRUST_REQUEST_ID"] = True
    assert client.get("/health", headers=offered).headers["X-Request-ID"] == "proxy-1a2b.3c:4d"
    for forged in ("evil\" level=ERROR", "x" * 129, ""):  # not one that could forge a log line or flood it
        assert re.fullmatch(r"[0-9a-f]{32}", client.get("/health", headers={"X-Request-ID": forged})
                            .headers["X-Request-ID"])


def test_text_logs_carry_the_request_id(app, client):
    request_id, lines = _log_lines(app, client, "/health")
    assert len(lines) == 1
    assert re.fullmatch(rf"\S+ \S+ WARNING app\.test \[{request_id}\]: looking at /health", lines[0])


def test_json_logs_are_one_object_a_line_with_the_request_id(app, client):
    app.config["LOG_FORMAT"] = "json"
    configure_logging(app)
    request_id, lines = _log_lines(app, client, "/health")
    record = json.loads(lines[0])
    assert record["request_id"] == request_id
    assert (record["level"], record["logger"], record["message"]) == ("WARNING", "app.test", "looking at /health")
    assert "time" in record


def test_an_unknown_log_format_stops_the_start_with_a_message(app):
    app.config["LOG_FORMAT"] = "xml"
    with pytest.raises(RuntimeError, match="LOG_FORMAT must be text or json, not 'xml'"):
        configure_logging(app)


# --- Metrics ------------------------------------------------------------------------------------------------------


def _scrape(client, token: str = TOKEN) -> dict:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return {sample.name + str(sorted(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def _count(figures: dict, name: str, **labels) -> float:
    return figures.get(name + str(sorted(labels.items())), 0.0)


def test_no_token_set_means_no_metrics_at_all(client):
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


def test_metrics_need_the_token(app, client):
    app.config["METRICS_TOKEN"] = TOKEN
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": "Bearer"}, {"Authorization": f"Bearer {TOKEN}x"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert b"tracker_" not in response.data


def test_request_latency_is_counted_per_endpoint_not_per_address(app, client):
    app.config["METRICS_TOKEN"] = TOKEN
    before = _scrape(client)
    for _ in range(3):
        client.get("/health")
    client.get("/actions/123456")  # signed out: sent to sign in (3xx), under its endpoint, not its address
    client.get("/no-such-page")  # signed out too: sent to sign in before anything is looked up
    after = _scrape(client)
    count = "tracker_request_duration_seconds_count"
    assert _count(after, count, endpoint="main.health", status_class="2xx") - \
        _count(before, count, endpoint="main.health", status_class="2xx") == 3
    assert _count(after, count, endpoint="plans.action", status_class="3xx") - \
        _count(before, count, endpoint="plans.action", status_class="3xx") == 1
    assert _count(after, count, endpoint="unmatched", status_class="3xx") - \
        _count(before, count, endpoint="unmatched", status_class="3xx") == 1
    assert not any("123456" in key for key in after)


def test_outbox_and_scheduler_figures_come_from_the_database(app, client, db, make_person):
    app.config["METRICS_TOKEN"] = TOKEN
    assert _count(_scrape(client), "tracker_outbox_waiting") == 0
    person = make_person("Olive Owner")
    now = as_of_now()
    for minutes, state in ((30, EmailState.PENDING), (5, EmailState.PENDING), (90, EmailState.SENT)):
        db.session.add(Notification(recipient=person, kind=NoticeKind.DUE_SOON, subject_type=SubjectType.MILESTONE,
                                    subject_id=minutes, due_on=TODAY, title="Due soon", link="/plan",
                                    created_at=now.replace(microsecond=0) - _minutes(minutes), email_state=state))
    db.session.add_all([
        SchedulerRun(job="send-due", started_at=now - _minutes(12), finished_at=now - _minutes(10)),
        SchedulerRun(job="send-due", started_at=now - _minutes(2), finished_at=now - _minutes(1), error="Boom"),
        SchedulerRun(job="deliver", started_at=now - _minutes(3), finished_at=now - _minutes(3))])
    db.session.commit()
    figures = _scrape(client)
    assert _count(figures, "tracker_database_up") == 1
    assert _count(figures, "tracker_outbox_waiting") == 2
    assert 30 * 60 <= _count(figures, "tracker_outbox_oldest_waiting_age_seconds") < 31 * 60
    assert 10 * 60 <= _count(figures, "tracker_scheduler_last_success_age_seconds", job="send-due") < 11 * 60
    assert 3 * 60 <= _count(figures, "tracker_scheduler_last_success_age_seconds", job="deliver") < 4 * 60


def _minutes(count: int) -> timedelta:
    return timedelta(minutes=count)


def test_report_generation_time_is_observed(app, client, plan_tree):
    app.config["METRICS_TOKEN"] = TOKEN
    count = "tracker_report_generation_seconds_count"
    before = _count(_scrape(client), count, kind="update_pack")
    update_pack.write(update_pack.gather(plan_tree["owner"], None, Window(TODAY)), generated_at=NOW)
    assert _count(_scrape(client), count, kind="update_pack") == before + 1
