"""What the people running the service see of each request: a request id, logs (text or JSON lines) that carry it,
and the request's time in the metrics (app/metrics.py).

The request id is made here, one per request (32 hex characters), unless TRUST_REQUEST_ID is on and the request
brings an X-Request-ID of up to 128 letters, digits and `.-_:` (the proxy's own id, so one id follows a request
from the proxy's log to ours). It is on every log line written while the request is answered and is sent back as
X-Request-ID. An id a client makes up is never trusted by default: it would let anyone write what they like into
the logs and mix their requests with other people's (decision 0013).
"""

import logging
import re
import sys
import uuid
from time import perf_counter

from flask import Flask, current_app, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from app.metrics import REQUEST_SECONDS, status_class

HEADER = "X-Request-ID"
TRUSTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
JSON_FIELDS = ["asctime", "levelname", "name", "message", "request_id"]
NO_REQUEST = "-"
LOG_FORMATS = ("text", "json")


def register(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    g.request_id = _request_id_from_proxy() or uuid.uuid4().hex
    g.request_started = perf_counter()


def _request_id_from_proxy() -> str | None:
    offered = request.headers.get(HEADER, "")
    return offered if current_app.config["TRUST_REQUEST_ID"] and TRUSTED_ID.fullmatch(offered) else None


def _finish(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers[HEADER] = request_id
        REQUEST_SECONDS.labels(request.endpoint or "unmatched", status_class(response.status_code)).observe(
            perf_counter() - g.request_started)
    return response


def current_request_id() -> str:
    return (g.get("request_id") if has_request_context() else None) or NO_REQUEST


class RequestIdFilter(logging.Filter):
    """Puts the request id on each record (a dash outside requests: the scheduler, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class _ServiceHandler(logging.StreamHandler):
    """The one handler the service puts on the root logger; replaced, not added to, when an app is made again."""


def configure_logging(app: Flask) -> None:
    """Log to standard error at LOG_LEVEL, as text or, with LOG_FORMAT=json, one JSON object a line."""
    if app.config["LOG_FORMAT"] not in LOG_FORMATS:
        raise RuntimeError(f"LOG_FORMAT must be text or json, not {app.config['LOG_FORMAT']!r}")
    handler = _ServiceHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(_formatter(app.config["LOG_FORMAT"]))
    root = logging.getLogger()
    for old in [each for each in root.handlers if isinstance(each, _ServiceHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])


def _formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
    return logging.Formatter(TEXT_FORMAT)
