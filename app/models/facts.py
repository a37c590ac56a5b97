"""Each milestone's facts and each action's counts of them, kept up to date as the plan changes
(services/plans/facts.py), so that the plan's pages count, filter and sort thousands of milestones without
working out every milestone's facts on every visit (decision 0017)."""

import secrets
from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import enum_type
from app.models.plans import Rating


class MilestoneFacts(db.Model):
    """A milestone's facts as at the date in FactsDate: the rating people see (a person's, or the suggestion) and the
    flags the pages count and filter on. Written only by services/plans/facts.py."""

    __tablename__ = "milestone_facts"

    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"), primary_key=True)
    action_id: Mapped[int] = mapped_column(Integer, index=True)  # counted under this action (kept when it moves)
    rating: Mapped[Rating] = mapped_column(enum_type(Rating, "facts_rating"), index=True)
    overdue: Mapped[bool] = mapped_column(Boolean)
    stale: Mapped[bool] = mapped_column(Boolean)
    slipped: Mapped[bool] = mapped_column(Boolean)  # a revised date is on record
    awaiting: Mapped[bool] = mapped_column(Boolean)  # a revised date awaits a programme manager's decision
    pending_from: Mapped[date | None] = mapped_column(Date)  # the old date of the revision awaiting a decision
    unassigned: Mapped[bool] = mapped_column(Boolean)
    first_due_on: Mapped[date | None] = mapped_column(Date)  # the first revision's old date: None if not recorded
    days_later: Mapped[int] = mapped_column(Integer, index=True)  # due now minus first planned (0 if earlier/unknown)
    revised_passed: Mapped[bool] = mapped_column(Boolean)  # its date in force is a revised one, gone by, not complete
    # Compared with the plan's last released progress report (ReleasedRating):
    completed_since: Mapped[bool] = mapped_column(Boolean)  # complete now, not then (or added since)
    better: Mapped[bool] = mapped_column(Boolean)  # rated better now (Red to Amber or Green, Amber to Green)
    worse: Mapped[bool] = mapped_column(Boolean)
    updates_since: Mapped[int] = mapped_column(Integer, default=0)  # progress updates added since it was released
    revised_since: Mapped[int] = mapped_column(Integer, default=0)  # revised dates proposed since


class ActionTally(db.Model):
    """How many of an action's milestones have each rating and each flag: the plan overview adds these up by area."""

    __tablename__ = "action_tallies"

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, index=True)
    milestones: Mapped[int] = mapped_column(Integer, default=0)
    red: Mapped[int] = mapped_column(Integer, default=0)
    amber: Mapped[int] = mapped_column(Integer, default=0)
    green: Mapped[int] = mapped_column(Integer, default=0)
    not_rated: Mapped[int] = mapped_column(Integer, default=0)
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    slipped: Mapped[int] = mapped_column(Integer, default=0)
    unassigned: Mapped[int] = mapped_column(Integer, default=0)
    stale: Mapped[int] = mapped_column(Integer, default=0)
    later: Mapped[int] = mapped_column(Integer, default=0)  # re-dated to a later date than first planned
    days: Mapped[int] = mapped_column(Integer, default=0)  # days later than first planned, in all
    passed: Mapped[int] = mapped_column(Integer, default=0)  # revised dates gone by without completion
    unknown: Mapped[int] = mapped_column(Integer, default=0)  # re-dated with no first date on record
    completed_since: Mapped[int] = mapped_column(Integer, default=0)  # since the last released report
    better: Mapped[int] = mapped_column(Integer, default=0)
    worse: Mapped[int] = mapped_column(Integer, default=0)
    updates_since: Mapped[int] = mapped_column(Integer, default=0)
    revised_since: Mapped[int] = mapped_column(Integer, default=0)


class ReleasedRating(db.Model):
    """Each milestone's rating and completion as frozen in its plan's latest released progress report, copied from
    the report's figures when it is released, so that "changed since the last report" is a fact like any other.
    No foreign key to the milestone: a report keeps what it said."""

    __tablename__ = "released_ratings"

    milestone_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(Integer, index=True)
    rating: Mapped[str] = mapped_column(String(20))
    complete: Mapped[bool] = mapped_column(Boolean)


def new_version() -> int:
    """A version no page has been stored under: random, so that a restored backup cannot bring back a number some web
    worker saw for other data."""
    return secrets.randbits(62)


class FactsDate(db.Model):
    """The one row saying which day the stored facts are true on, and the stale-update window they used. No row (or
    no date) means the facts have never been worked out: the first read works them all out.

    `version` changes with every transaction that writes what the plan's pages show (services/plans/facts.py), so a
    page drawn from the data under one version can be kept and served again until it changes (app/page_cache.py)."""

    __tablename__ = "milestone_facts_date"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date | None] = mapped_column(Date)
    stale_after_days: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(BigInteger, default=new_version)
