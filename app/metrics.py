"""The Prometheus metrics the service keeps itself (prometheus-client), and how they are read out at /metrics.

Counted as things happen, in each process: request latency by Flask endpoint (never the URL, so one series per page,
however many ids) and status class, and the time each kind of Word report takes to make. Read from the database at
each scrape (they hold for the whole service, whichever host answers): the outbox's depth and its oldest waiting
notice's age, and each scheduled job's last successful run (app.services.health.outbox_and_scheduler).

Under gunicorn with several workers, set PROMETHEUS_MULTIPROC_DIR (an empty folder, writable by the service) before
the app starts: each worker then writes its figures there and a scrape, answered by any worker, adds them all up
(prometheus-client's multiprocess mode; docs/deploy/gunicorn.conf.py marks a dead worker's files). Without it each
worker answers with its own figures only.
"""

import hmac
import os
from collections.abc import Callable, Iterator
from functools import wraps

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUEST_SECONDS = Histogram(
    "tracker_request_duration_seconds", "Time to answer a request, by Flask endpoint and status class (2xx, 4xx …)",
    ["endpoint", "status_class"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
REPORT_SECONDS = Histogram(
    "tracker_report_generation_seconds", "Time to make a Word report, by kind", ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0))


def bearer_matches(authorization: str, token: str) -> bool:
    """Whether an Authorization header is `Bearer <token>`, compared in constant time."""
    scheme, _, offered = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(offered.strip().encode(), token.encode())


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def timed_report(kind: str) -> Callable:
    """Decorate the function that makes one kind of report: its time goes into REPORT_SECONDS."""
    def decorate(make: Callable) -> Callable:
        @wraps(make)
        def timed(*args, **kwargs):
            with REPORT_SECONDS.labels(kind).time():
                return make(*args, **kwargs)
        return timed
    return decorate


class ServiceCollector(Collector):
    """Figures read from the database at scrape time: `read()` returns (outbox depth, oldest waiting notice's age in
    seconds or None, {job: seconds since its last successful run}), or None when the database does not answer."""

    def __init__(self, read: Callable[[], tuple | None]):
        self.read = read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        figures = self.read()
        up = GaugeMetricFamily("tracker_database_up", "1 when the database answered this scrape, else 0")
        up.add_metric([], 0 if figures is None else 1)
        yield up
        if figures is None:
            return
        depth, oldest_age, last_runs = figures
        yield GaugeMetricFamily("tracker_outbox_waiting", "Notices waiting to be e-mailed", value=depth)
        yield GaugeMetricFamily("tracker_outbox_oldest_waiting_age_seconds",
                                "Age of the oldest notice waiting to be e-mailed (0 when none waits)",
                                value=oldest_age or 0)
        last = GaugeMetricFamily("tracker_scheduler_last_success_age_seconds",
                                 "Seconds since each scheduled job last finished without an error", labels=["job"])
        for job, age in sorted(last_runs.items()):
            last.add_metric([job], age)
        yield last


def exposition(read: Callable[[], tuple | None]) -> tuple[bytes, str]:
    """The text a scrape gets: every process's counted figures (added up in multiprocess mode) and the database's."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(ServiceCollector(read))
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _ThisProcess(Collector):
    def collect(self):
        yield from REQUEST_SECONDS.collect()
        yield from REPORT_SECONDS.collect()
