"""The child's identity retention period as a rule, with a fixed date."""

from datetime import date

from app.services.audits import retention

TODAY = date(2022, 3, 31)


def test_audits_completed_before_the_cut_off_are_cleared():
    assert retention.cut_off(TODAY, 365) == date(2021, 3, 31)
    assert retention.cut_off(TODAY, 1) == date(2022, 3, 30)


def test_no_period_keeps_the_identity():
    assert retention.cut_off(TODAY, 0) is None and retention.cut_off(TODAY, None) is None
