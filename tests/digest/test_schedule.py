"""When a digest is due and which days it covers: pure, on fixed clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dailypapers.digest import schedule

TUESDAY_8AM = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def _period(as_of=TUESDAY_8AM, frequency="daily", tz="UTC", hour=7, weekly_day=0):
    return schedule.latest_due(frequency, tz, hour, weekly_day, as_of)


def test_a_daily_period_covers_the_previous_weekday_and_monday_covers_the_weekend():
    tuesday = _period()
    assert (tuesday.key, tuesday.start_day, tuesday.end_day) == (
        "daily:2026-03-03",
        date(2026, 3, 2),
        date(2026, 3, 3),
    )
    assert tuesday.due_at == datetime(2026, 3, 3, 7, tzinfo=UTC)
    monday = _period(datetime(2026, 3, 2, 7, 30, tzinfo=UTC))
    assert (monday.start_day, monday.end_day) == (date(2026, 2, 27), date(2026, 3, 2))
    before_hour = _period(datetime(2026, 3, 3, 6, 59, tzinfo=UTC))
    assert before_hour.key == "daily:2026-03-02"
    sunday = _period(datetime(2026, 3, 8, 12, tzinfo=UTC))
    assert sunday.key == "daily:2026-03-06"  # Friday's, long past: due_for skips it (grace)
    subscription = {
        "frequency": "daily",
        "timezone": "UTC",
        "send_hour": 7,
        "weekly_day": 0,
        "confirmed_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    assert (
        schedule.due_for(subscription, datetime(2026, 3, 8, 12, tzinfo=UTC), timedelta(hours=20))
        is None
    )


def test_periods_follow_the_readers_time_zone_and_daylight_saving():
    # 07:00 in New York is 12:00 UTC in winter and 11:00 UTC once DST starts (8 March 2026).
    winter = _period(datetime(2026, 3, 6, 12, 30, tzinfo=UTC), tz="America/New_York")
    summer = _period(datetime(2026, 3, 10, 11, 30, tzinfo=UTC), tz="America/New_York")
    assert winter.due_at == datetime(2026, 3, 6, 12, tzinfo=UTC)
    assert summer.due_at == datetime(2026, 3, 10, 11, tzinfo=UTC)
    tokyo = _period(datetime(2026, 3, 2, 23, 0, tzinfo=UTC), tz="Asia/Tokyo")  # Tue 08:00 local
    assert tokyo.key == "daily:2026-03-03"


def test_a_weekly_period_is_due_on_its_day_and_covers_seven_days():
    period = _period(datetime(2026, 3, 5, 9, tzinfo=UTC), frequency="weekly", weekly_day=3)
    assert period.key == "weekly:2026-W10"
    assert (period.start_day, period.end_day) == (date(2026, 2, 26), date(2026, 3, 5))


def test_a_subscription_confirmed_after_the_due_time_waits_for_the_next_one():
    subscription = {
        "frequency": "daily",
        "timezone": "UTC",
        "send_hour": 7,
        "weekly_day": 0,
        "confirmed_at": datetime(2026, 3, 3, 7, 30, tzinfo=UTC),
    }
    assert schedule.due_for(subscription, TUESDAY_8AM, timedelta(hours=20)) is None
    later = schedule.due_for(subscription, TUESDAY_8AM + timedelta(days=1), timedelta(hours=20))
    assert later.key == "daily:2026-03-04"
