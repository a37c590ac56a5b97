"""The sign-in protection's rules on a fixed clock: the progressive delay, the lock, and the limit per address."""

from datetime import datetime, timedelta

from app.services.sign_in import Limits, Outcome, account_wait, address_wait, how_long

NOW = datetime(2020, 7, 31, 12, 0)
LIMITS = Limits()  # 5 failures in 15 minutes lock for 15 minutes; delays 2, 4, 8 s; 30 failures per address


def seconds(n: float) -> timedelta:
    return timedelta(seconds=n)


def failures_at(*seconds_ago: float) -> list[datetime]:
    return [NOW - seconds(ago) for ago in seconds_ago]


def test_one_failure_costs_no_wait():
    assert account_wait(failures_at(0), now=NOW, limits=LIMITS) == timedelta(0)


def test_each_failure_after_the_first_doubles_the_wait():
    assert account_wait(failures_at(10, 0), now=NOW, limits=LIMITS) == seconds(2)
    assert account_wait(failures_at(20, 10, 0), now=NOW, limits=LIMITS) == seconds(4)
    assert account_wait(failures_at(30, 20, 10, 0), now=NOW, limits=LIMITS) == seconds(8)


def test_the_wait_runs_from_the_last_failure():
    assert account_wait(failures_at(20, 10, 3), now=NOW, limits=LIMITS) == seconds(1)
    assert account_wait(failures_at(20, 10, 5), now=NOW, limits=LIMITS) == timedelta(0)


def test_the_fifth_failure_within_15_minutes_locks_the_account_for_15_minutes():
    assert account_wait(failures_at(60, 50, 40, 30, 0), now=NOW, limits=LIMITS) == timedelta(minutes=15)
    assert account_wait(failures_at(60, 50, 40, 30, 0), now=NOW + timedelta(minutes=14, seconds=59),
                        limits=LIMITS) == seconds(1)


def test_when_the_lock_ends_counting_starts_again():
    after_the_lock = NOW + timedelta(minutes=15)
    assert account_wait(failures_at(60, 50, 40, 30, 0), now=after_the_lock, limits=LIMITS) == timedelta(0)
    one_more = [*failures_at(60, 50, 40, 30, 0), after_the_lock]
    assert account_wait(one_more, now=after_the_lock + seconds(1), limits=LIMITS) == timedelta(0)


def test_failures_spread_over_more_than_15_minutes_do_not_lock():
    spread = failures_at(16 * 60, 12 * 60, 8 * 60, 4 * 60, 0)  # never 5 within 15 minutes
    assert account_wait(spread, now=NOW + seconds(30), limits=LIMITS) == timedelta(0)


def test_failures_recorded_during_the_lock_do_not_extend_it():
    with_stragglers = [*failures_at(60, 50, 40, 30, 0), NOW + seconds(1), NOW + seconds(2)]
    assert account_wait(with_stragglers, now=NOW + timedelta(minutes=15), limits=LIMITS) == timedelta(0)


def test_the_settings_change_the_rule():
    strict = Limits(lock_after=3, lock_for=timedelta(hours=1), first_delay=seconds(10))
    assert account_wait(failures_at(20, 0), now=NOW, limits=strict) == seconds(10)
    assert account_wait(failures_at(20, 10, 0), now=NOW, limits=strict) == timedelta(hours=1)


def test_an_address_may_fail_30_times_in_15_minutes():
    assert address_wait(failures_at(*range(29)), now=NOW, limits=LIMITS) == timedelta(0)
    thirty = failures_at(*range(0, 300, 10))  # the oldest 290 s ago
    assert address_wait(thirty, now=NOW, limits=LIMITS) == timedelta(minutes=15) - seconds(290)


def test_an_address_is_free_again_when_its_oldest_failure_leaves_the_window():
    thirty = failures_at(*range(0, 300, 10))
    assert address_wait(thirty, now=NOW + timedelta(minutes=15) - seconds(290), limits=LIMITS) == timedelta(0)


def test_waits_are_said_in_seconds_up_to_a_minute_then_whole_minutes():
    assert how_long(seconds(1.2)) == "2 seconds"
    assert how_long(seconds(1)) == "1 second"
    assert how_long(seconds(60)) == "60 seconds"
    assert how_long(seconds(61)) == "2 minutes"
    assert how_long(timedelta(minutes=15)) == "15 minutes"


def test_the_messages_never_say_which_part_was_wrong_or_whether_the_account_exists():
    assert Outcome().message == "The email address or password is not right"
    refused = Outcome(wait=timedelta(minutes=15)).message
    assert refused == ("You have tried to sign in too many times. Wait 15 minutes, then try again. Until then, "
                       "signing in is refused even with the right password.")
