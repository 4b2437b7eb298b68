import datetime as dt
import logging
import warnings

import pytest
from django.test import override_settings
from django.utils import translation

from zhizheng.core.choices import DayKind
from zhizheng.core.models import CalendarDay, HolidayYear
from zhizheng.core.workdays import (
    CalendarSource,
    CalendarWarning,
    DayType,
    UnofficialCalendarWarning,
    add_working_days,
    count_working_days,
    day_info,
    invalidate_calendar_cache,
    is_working_day,
    library_years,
    unofficial_years,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = dt.date


def days(start, end):
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# --- the years the library knows ------------------------------------------------------------------------------


def test_library_covers_2004_to_2026():
    assert min(library_years()) == 2004
    assert max(library_years()) == 2026


def test_spring_festival_2025():
    assert [is_working_day(d) for d in days(D(2025, 1, 28), D(2025, 2, 4))] == [False] * 8
    assert is_working_day(D(2025, 1, 26)) is True  # Sunday, make-up working day
    assert is_working_day(D(2025, 2, 8)) is True  # Saturday, make-up working day
    assert is_working_day(D(2025, 1, 27)) is True
    assert is_working_day(D(2025, 2, 5)) is True
    assert is_working_day(D(2025, 2, 9)) is False  # an ordinary Sunday
    info = day_info(D(2025, 1, 29))
    assert (info.working, info.type, info.name, info.source) == (
        False,
        DayType.HOLIDAY,
        "春节",
        CalendarSource.LIBRARY,
    )
    assert day_info(D(2025, 1, 26)).type is DayType.MAKEUP_WORKDAY
    assert day_info(D(2025, 2, 9)).type is DayType.WEEKEND
    assert day_info(D(2025, 2, 10)).type is DayType.WORKDAY


def test_national_day_2025():
    assert [is_working_day(d) for d in days(D(2025, 10, 1), D(2025, 10, 8))] == [False] * 8
    assert is_working_day(D(2025, 9, 28)) is True  # Sunday
    assert is_working_day(D(2025, 10, 11)) is True  # Saturday
    assert is_working_day(D(2025, 10, 9)) is True
    assert day_info(D(2025, 10, 8)).name == "国庆节"


def test_spring_festival_2026():
    # 国办发明电〔2025〕7号: 15-23 February off, Saturdays 14 and 28 February worked.
    assert [is_working_day(d) for d in days(D(2026, 2, 15), D(2026, 2, 23))] == [False] * 9
    assert is_working_day(D(2026, 2, 14)) is True
    assert is_working_day(D(2026, 2, 28)) is True
    assert is_working_day(D(2026, 2, 13)) is True
    assert is_working_day(D(2026, 2, 24)) is True


def test_national_day_2026():
    assert [is_working_day(d) for d in days(D(2026, 10, 1), D(2026, 10, 7))] == [False] * 7
    assert is_working_day(D(2026, 9, 20)) is True  # Sunday
    assert is_working_day(D(2026, 10, 10)) is True  # Saturday
    assert is_working_day(D(2026, 10, 8)) is True


def test_add_working_days_across_the_spring_festival_and_back():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a year with official data raises no warning
        assert add_working_days(D(2025, 1, 24), 3) == (D(2025, 2, 5), [])
        assert add_working_days(D(2025, 2, 5), -3) == (D(2025, 1, 24), [])
        assert add_working_days(D(2025, 1, 25), 0) == (D(2025, 1, 25), [])


def test_twenty_working_days_over_national_day_2025():
    # 28, 29, 30 Sep; 9, 10, 11 Oct; 13-17; 20-24; 27-30 Oct.
    assert add_working_days(D(2025, 9, 26), 20) == (D(2025, 10, 30), [])
    assert working_days_between(D(2025, 9, 26), D(2025, 10, 30)) == 20
    assert working_days_between(D(2025, 10, 30), D(2025, 9, 26)) == -20
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 8)) == 0
    assert working_days_between(D(2025, 9, 26), D(2025, 9, 26)) == 0


def test_counting_matches_adding_over_two_years():
    start = D(2025, 3, 3)
    for n in (1, 5, 20, 60, 250, 400):
        end, found = add_working_days(start, n)
        assert found == []
        assert working_days_between(start, end) == n
        assert working_days_between(start, end - dt.timedelta(days=1)) == n - 1


def test_datetimes_and_non_integers_are_refused():
    with pytest.raises(TypeError, match="take dates"):
        is_working_day(dt.datetime(2025, 1, 1, 9, 0))
    with pytest.raises(TypeError, match="integer"):
        add_working_days(D(2025, 1, 1), 2.5)


# --- years without official data ------------------------------------------------------------------------------


def test_deadline_running_into_2027_warns_and_does_not_crash(caplog):
    caplog.set_level(logging.WARNING, logger="zhizheng.core.workdays")
    with pytest.warns(UnofficialCalendarWarning, match="No official holiday schedule is known for 2027"):
        deadline, found = add_working_days(D(2026, 12, 15), 20)
    # 16-18, 21-25, 28-31 Dec 2026 (12 days); 1 Jan 2027 is 元旦; 4-8 and 11-13 Jan 2027.
    assert deadline == D(2027, 1, 13)
    assert found == [CalendarWarning(2027)]
    assert found[0].code == "core.calendar.no_official_data"
    assert "no official holiday schedule for 2027" in caplog.text
    with translation.override("zh-hans"):
        assert found[0].detail.startswith("尚无 2027 年的官方节假日安排")


def test_fallback_knows_weekends_and_fixed_date_holidays_only():
    with pytest.warns(UnofficialCalendarWarning):
        answers = [
            is_working_day(d) for d in (D(2027, 1, 1), D(2027, 10, 1), D(2027, 10, 4), D(2027, 2, 8), D(2027, 1, 2))
        ]
    # 元旦 and 国庆节 (Fridays) are off; 4 October and the Spring Festival week cannot be known without the notice;
    # 2 January is a Saturday.
    assert answers == [False, False, True, True, False]
    info = day_info(D(2027, 5, 1))
    assert (info.working, info.name, info.source) == (False, "劳动节", CalendarSource.FALLBACK)
    assert unofficial_years(D(2025, 6, 1), D(2028, 1, 1)) == [2027, 2028]


def test_count_working_days_returns_the_warnings():
    with pytest.warns(UnofficialCalendarWarning):
        count, found = count_working_days(D(2026, 12, 15), D(2027, 1, 13))
    assert (count, found) == (20, [CalendarWarning(2027)])
    assert count_working_days(D(2026, 11, 30), D(2026, 12, 31)) == (23, [])  # the weekdays of December


# --- the administrators' data ---------------------------------------------------------------------------------


def enter_2027(*, complete=True):
    """A made-up notice for 2027 (the real one is not published yet): Spring Festival 6-14 Feb, Saturday 20 Feb."""
    notice = HolidayYear.objects.create(
        year=2027, complete=complete, notice_title="国务院办公厅关于2027年部分节假日安排的通知"
    )
    CalendarDay.objects.create(holiday_year=notice, date=D(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    for day in days(D(2027, 2, 6), D(2027, 2, 14)):
        CalendarDay.objects.create(holiday_year=notice, date=day, kind=DayKind.HOLIDAY, name="春节")
    CalendarDay.objects.create(holiday_year=notice, date=D(2027, 2, 20), kind=DayKind.MAKEUP_WORKDAY, name="春节")
    invalidate_calendar_cache()
    return notice


def test_admin_entered_2027_overrides_the_fallback():
    enter_2027()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert is_working_day(D(2027, 2, 8)) is False
        assert is_working_day(D(2027, 2, 20)) is True
        assert is_working_day(D(2027, 10, 1)) is True  # the notice has no National Day entries here
        assert add_working_days(D(2027, 2, 5), 1) == (D(2027, 2, 15), [])
    assert day_info(D(2027, 2, 8)).source is CalendarSource.ADMIN
    assert day_info(D(2027, 2, 20)).type is DayType.MAKEUP_WORKDAY
    assert unofficial_years(D(2026, 1, 1), D(2027, 12, 31)) == []


def test_incomplete_notice_is_ignored():
    enter_2027(complete=False)
    with pytest.warns(UnofficialCalendarWarning):
        assert is_working_day(D(2027, 2, 8)) is True
    assert day_info(D(2027, 2, 8)).source is CalendarSource.FALLBACK


def test_complete_notice_overrides_the_library_for_its_year_and_reaches_into_the_previous_december():
    notice = HolidayYear.objects.create(year=2026, complete=True)
    CalendarDay.objects.create(holiday_year=notice, date=D(2026, 2, 16), kind=DayKind.HOLIDAY, name="春节")
    following = HolidayYear.objects.create(year=2027, complete=True)
    CalendarDay.objects.create(holiday_year=following, date=D(2025, 12, 31), kind=DayKind.HOLIDAY, name="元旦")
    invalidate_calendar_cache()
    assert day_info(D(2026, 2, 16)).source is CalendarSource.ADMIN
    assert is_working_day(D(2026, 2, 18)) is True  # the admin's 2026 has only the days entered
    assert is_working_day(D(2025, 12, 31)) is False  # library year, overridden by a complete notice's entry
    assert day_info(D(2025, 12, 31)).source is CalendarSource.LIBRARY
    assert day_info(D(2025, 12, 31)).name == "元旦"


def test_cache_keeps_a_year_until_invalidated_or_expired():
    with pytest.warns(UnofficialCalendarWarning):
        assert is_working_day(D(2027, 2, 8)) is True
    enter_2027()  # invalidates
    assert is_working_day(D(2027, 2, 8)) is False
    CalendarDay.objects.filter(date=D(2027, 2, 8)).delete()
    assert is_working_day(D(2027, 2, 8)) is False  # still cached
    with override_settings(ZHIZHENG_CALENDAR_CACHE_SECONDS=0):
        assert is_working_day(D(2027, 2, 8)) is True


def test_cached_deadlines_need_no_query(django_assert_num_queries):
    # Speed is printed by bench/ (about 10 µs each); what a test can hold is that a cached year reads nothing.
    add_working_days(D(2025, 1, 2), 20)
    add_working_days(D(2025, 12, 20), 20)
    with django_assert_num_queries(0):
        for offset in range(2000):
            add_working_days(D(2025, 1, 1) + dt.timedelta(days=offset % 365), 20)


def test_every_day_of_2025_and_2026_agrees_with_the_library():
    import chinese_calendar

    day = D(2025, 1, 1)
    disagreements = []
    while day.year <= 2026:
        if is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert disagreements == []
