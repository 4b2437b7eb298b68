import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from zhizheng.core.choices import DayKind
from zhizheng.core.models import CalendarDay, HolidayYear
from zhizheng.core.workdays import CalendarSource, day_info

pytestmark = pytest.mark.django_db


def test_str_and_ordering():
    later = HolidayYear.objects.create(year=2027)
    earlier = HolidayYear.objects.create(year=2026)
    assert list(HolidayYear.objects.all()) == [later, earlier]
    day = CalendarDay.objects.create(holiday_year=later, date=dt.date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    assert str(later) == "2027"
    with translation.override("en"):
        assert str(day) == "2027-01-01 Holiday (day off) 元旦"
    assert later.created_at is not None
    assert later.updated_at >= later.created_at


def test_database_refuses_duplicate_dates_and_unknown_kinds():
    notice = HolidayYear.objects.create(year=2027)
    CalendarDay.objects.create(holiday_year=notice, date=dt.date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(holiday_year=notice, date=dt.date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(holiday_year=notice, date=dt.date(2027, 1, 2), kind="vacation", name="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        HolidayYear.objects.create(year=1999)
    assert CalendarDay.objects.count() == 1


def test_clean_refuses_dates_outside_the_notice_and_weekday_makeup_days():
    notice = HolidayYear.objects.create(year=2027)
    far = CalendarDay(holiday_year=notice, date=dt.date(2026, 11, 30), kind=DayKind.HOLIDAY, name="x")
    with pytest.raises(ValidationError) as caught:
        far.full_clean()
    assert [e.code for e in caught.value.error_dict["date"]] == ["core.calendar_day.outside_year"]
    weekday = CalendarDay(holiday_year=notice, date=dt.date(2027, 2, 3), kind=DayKind.MAKEUP_WORKDAY, name="春节")
    with pytest.raises(ValidationError) as caught:
        weekday.full_clean()
    assert [e.code for e in caught.value.error_dict["date"]] == ["core.calendar_day.makeup_on_weekday"]
    CalendarDay(holiday_year=notice, date=dt.date(2026, 12, 31), kind=DayKind.HOLIDAY, name="元旦").full_clean()
    CalendarDay(holiday_year=notice, date=dt.date(2027, 2, 20), kind=DayKind.MAKEUP_WORKDAY, name="春节").full_clean()


def test_admin_pages_show_the_help_for_entering_a_notice(admin_client):
    HolidayYear.objects.create(year=2027)
    with translation.override("en"):
        response = admin_client.get(reverse("admin:core_holidayyear_add"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Enter the State Council notice for year N" in response.content.decode()
    assert admin_client.get(reverse("admin:core_holidayyear_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:core_calendarday_changelist")).status_code == 200


def test_saving_a_complete_notice_in_the_admin_takes_effect_at_once(admin_client, django_capture_on_commit_callbacks):
    assert day_info(dt.date(2027, 2, 8)).source is CalendarSource.FALLBACK  # cached now
    form = {
        "year": "2027",
        "complete": "on",
        "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
        "notice_url": "",
        "published_on": "2026-11-10",
        "notice_text": "",
        "days-TOTAL_FORMS": "2",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2027-02-08",
        "days-0-kind": "holiday",
        "days-0-name": "春节",
        "days-1-date": "2027-02-20",
        "days-1-kind": "makeup_workday",
        "days-1-name": "春节",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:core_holidayyear_add"), form)
    assert response.status_code == 302
    assert HolidayYear.objects.get().days.count() == 2
    info = day_info(dt.date(2027, 2, 8))
    assert (info.source, info.working, info.name) == (CalendarSource.ADMIN, False, "春节")
    assert day_info(dt.date(2027, 2, 20)).working is True


def test_admin_rejects_a_makeup_day_on_a_weekday(admin_client):
    form = {
        "year": "2027",
        "notice_title": "",
        "notice_url": "",
        "published_on": "",
        "notice_text": "",
        "days-TOTAL_FORMS": "1",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2027-02-03",
        "days-0-kind": "makeup_workday",
        "days-0-name": "春节",
    }
    response = admin_client.post(reverse("admin:core_holidayyear_add"), form)
    assert response.status_code == 200
    assert HolidayYear.objects.count() == 0
    assert CalendarDay.objects.count() == 0
