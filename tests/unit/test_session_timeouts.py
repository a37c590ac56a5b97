"""The session timeout rule (app.services.sessions), on fixed times."""

from datetime import datetime, timedelta

import pytest

from app.models import SessionEnd
from app.services.sessions import Limits, browser_named, expired, time_left, timed_out_message

SIGNED_IN = datetime(2020, 7, 31, 9, 0)
LIMITS = Limits()  # 30 minutes idle, 12 hours in all


def test_a_session_used_within_30_minutes_goes_on():
    assert expired(SIGNED_IN, SIGNED_IN, now=SIGNED_IN + timedelta(minutes=29, seconds=59), limits=LIMITS) is None


def test_30_minutes_without_use_time_it_out():
    assert expired(SIGNED_IN, SIGNED_IN, now=SIGNED_IN + timedelta(minutes=30), limits=LIMITS) == SessionEnd.IDLE


def test_12_hours_after_signing_in_it_times_out_however_recently_used():
    now = SIGNED_IN + timedelta(hours=12)
    assert expired(SIGNED_IN, now - timedelta(seconds=1), now=now, limits=LIMITS) == SessionEnd.TOO_OLD
    assert expired(SIGNED_IN, now, now=now - timedelta(seconds=1), limits=LIMITS) is None


def test_time_left_is_the_sooner_of_the_two_ends():
    assert time_left(SIGNED_IN, SIGNED_IN, now=SIGNED_IN, limits=LIMITS) == timedelta(minutes=30)
    late = SIGNED_IN + timedelta(hours=11, minutes=50)
    assert time_left(SIGNED_IN, late, now=late, limits=LIMITS) == timedelta(minutes=10)


def test_the_warning_comes_2_minutes_before_or_halfway_through_a_short_limit():
    assert LIMITS.warning == timedelta(minutes=2)
    assert Limits(idle=timedelta(minutes=1)).warning == timedelta(seconds=30)


def test_the_sign_in_page_says_why():
    assert timed_out_message(SessionEnd.IDLE, LIMITS) == (
        "You were signed out because you had not used the service for 30 minutes. Sign in again.")
    assert timed_out_message(SessionEnd.TOO_OLD, LIMITS) == (
        "You were signed out because you had been signed in for 12 hours. Sign in again.")
    assert "for 6 seconds" in timed_out_message(SessionEnd.IDLE, Limits(idle=timedelta(seconds=6)))


@pytest.mark.parametrize(("sent", "shown"), [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
     "Chrome 131 on Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
     "Mobile/15E148 Safari/604.1", "Mobile Safari 17 on iOS"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133 on Windows"),
    ("curl/8.5.0", "curl 8"),
    ("something no one knows", "something no one knows"),
    ("", "Unknown browser"),
])
def test_the_browser_a_session_came_from_is_named_as_a_person_would(sent, shown):
    assert browser_named(sent) == shown
