"""The date rules of supervision (supervision/clocks.py) and the working-day calendar table."""

import datetime
import io

import chinese_calendar
import pytest
from django.core.management import call_command

from supervision import clocks
from supervision.models import CalendarDay, CalendarYear
from supervision.services import calendar_year_add

D = datetime.date


@pytest.mark.parametrize(
    "day, months, expected",
    [(D(2025, 3, 15), 6, D(2025, 9, 15)), (D(2025, 8, 31), 6, D(2026, 2, 28)), (D(2023, 8, 31), 6, D(2024, 2, 29))],
)
def test_six_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert clocks.add_months(day, months) == expected


def test_two_years_from_a_leap_day_is_28_february():
    assert clocks.transfer_due(D(2024, 2, 29)) == D(2026, 2, 28)
    assert clocks.serious_removal_due(D(2024, 2, 29)) == D(2026, 2, 28)
    assert clocks.serious_removal_due(D(2024, 2, 29), duty_done_on=D(2026, 5, 1)) == D(2026, 5, 1)


def test_the_default_deadline_is_31_may_of_the_next_year():
    assert clocks.default_report_deadline(2024) == D(2025, 5, 31)


@pytest.mark.django_db
def test_the_table_holds_the_official_calendar_of_every_year_the_package_knows():
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert {2004, 2025, 2026} <= years
    for year in (2019, 2025, 2026):
        table = dict(CalendarDay.objects.filter(day__year=year).values_list("day", "working"))
        assert len(table) in {365, 366}
        assert all(chinese_calendar.is_workday(day) == working for day, working in table.items())


@pytest.mark.django_db
def test_five_working_days_skip_the_national_day_holiday_and_count_the_swapped_saturday():
    days = clocks.WorkingDays()
    assert clocks.removal_due_after_duty(D(2025, 9, 29), days) == D(2025, 10, 13)
    assert clocks.removal_due_after_duty(D(2025, 7, 1), days) == D(2025, 7, 8)
    assert not days.uncovered


@pytest.mark.django_db
def test_a_clerk_edit_of_the_table_moves_the_due_date():
    CalendarDay.objects.filter(day=D(2025, 7, 7)).update(working=False, name="测试假日")
    assert clocks.removal_due_after_duty(D(2025, 7, 1), clocks.WorkingDays()) == D(2025, 7, 9)


@pytest.mark.django_db
def test_a_year_beyond_the_table_counts_weekends_and_says_so():
    days = clocks.WorkingDays()
    assert clocks.removal_due_after_duty(D(2031, 9, 30), days) == D(2031, 10, 7)  # Tue → Tue, weekends only
    assert days.uncovered == {2031}


@pytest.mark.django_db
def test_a_year_added_by_a_clerk_is_weekends_only_then_editable():
    calendar_year_add(year=2031, actor=None)
    assert CalendarDay.objects.filter(day__year=2031).count() == 365
    CalendarDay.objects.filter(day=D(2031, 10, 1)).update(working=False, name="国庆节")
    days = clocks.WorkingDays()
    assert clocks.removal_due_after_duty(D(2031, 9, 30), days) == D(2031, 10, 8) and not days.uncovered


@pytest.mark.django_db
def test_the_command_warns_when_a_due_date_reaches_an_uncovered_year():
    from tests.supervision.builders import listed, organization_with_reports

    organization = organization_with_reports(filed={2023: D(2024, 4, 1)})
    CalendarDay.objects.filter(day__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    listed(organization, on=D(2025, 6, 3))
    organization.annual_reports.create(year=2024, submitted_on=D(2025, 12, 30))
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 12, 3))
        call_command("supervise", date="2025-12-31", stdout=io.StringIO(), stderr=err)
    assert "2026" in err.getvalue()
    from supervision.models import SupervisionProposal

    assert SupervisionProposal.objects.get(kind="remove_abnormal").calendar_uncovered
