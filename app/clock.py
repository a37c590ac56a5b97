"""The one place the service reads the time. Services take `today`/`now` as arguments, and the routes, commands and
scheduler pass these in; the one exception is the security event log, which stamps its own rows
(services/security_events.record). Tests fix it with the `clock` fixture (tests/conftest.py).

AS_OF_DATE runs the service as at a fixed date (demos, training): `today()` is that date, and the scheduled jobs
decide what is due on it (`as_of_now()`). What people do is still stamped with the real time (`now()`).
"""

from datetime import date, datetime

from flask import current_app

from app.services.plans.queries import Window


def today() -> date:
    """Today, or the configured AS_OF_DATE."""
    return current_app.config.get("AS_OF_DATE") or date.today()


def now() -> datetime:
    """The real time, for stamping what people do."""
    return datetime.now()


def as_of_now() -> datetime:
    """Now on the service's today: the time of day now, on AS_OF_DATE when one is set (for the scheduled jobs)."""
    real = datetime.now()
    as_of = current_app.config.get("AS_OF_DATE")
    return datetime.combine(as_of, real.time()) if as_of else real


def window() -> Window:
    """The due-date windows (due soon, stale updates) as they stand today."""
    return Window.configured(today())
