"""The banner that says the service runs as at a fixed date (decision 0007): shown when AS_OF_DATE is set, never
otherwise, and a production service refuses to start with one.

Apart from the demo's first-run tests, whose module-wide demo database must not be open while these tests' own
database is made and dropped (on PostgreSQL both are the same database)."""

import pytest

from app import create_app
from app.demo.audits import DEMO_DATE

BANNER = "Showing the plan as at 31 July 2020"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_no_banner_on_todays_date(app, client, login, make_person):
    app.config["AS_OF_DATE"] = None
    login(make_person("Olive Owner"))
    html = page(client, "/my-work")
    assert "govuk-phase-banner" not in html and "Showing the plan as at" not in html


def test_the_banner_follows_the_date_set(app, client, login, make_person):
    login(make_person("Olive Owner"))  # the test app runs as at 31 July 2020 too
    html = page(client, "/my-work")
    assert html.count("govuk-phase-banner__text") == 1 and BANNER in html


def test_production_never_runs_on_a_fixed_date(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("AS_OF_DATE", raising=False)
    assert create_app("production").config["AS_OF_DATE"] is None  # nothing in config.py defaults it
    monkeypatch.setenv("AS_OF_DATE", DEMO_DATE.isoformat())
    with pytest.raises(RuntimeError, match="AS_OF_DATE is set, but a live service must run on today's date"):
        create_app("production")
