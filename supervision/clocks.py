"""Every date of supervision, in one place, each with the provision it implements (DESIGN §7;
docs/decisions/0201-supervision-clocks.md). Articles are those of 民政部令第60号《社会组织信用信息
管理办法》as promulgated on 2018-01-24 (the 2017 draft numbers them differently). What each number was
checked against is in docs/decisions/0401-credit-measures-articles-checked.md: every rule below is
confirmed, the numbers of art. 8 and of art. 16 paragraph 2 are not.

Working days (工作日) come from the calendar table (`CalendarDay`), seeded from the chinese-calendar
package; a year the table does not cover counts weekends only and the computation says so
(`WorkingDays.uncovered`), so the admin can warn the clerk.
"""

from __future__ import annotations

import calendar
import datetime

from registry.choices import CreditGround

ONE_DAY = datetime.timedelta(days=1)

# Art. 12: removal within 5 working days of the clerk verifying that the duty was fulfilled.
REMOVAL_WORKING_DAYS = 5
# Art. 12: where there is no duty to fulfil, removal when the listing has lasted 6 months.
NO_DUTY_MONTHS = 6
# Art. 14(1): 2 years on the abnormal list → the serious list; art. 16: removal after 2 years on it.
TRANSFER_YEARS = 2
SERIOUS_REMOVAL_YEARS = 2
# Art. 8 (number unverified, 0401): credit information is recorded within 5 working days of being
# formed or obtained; we hold a listing proposal to the same time, counted from the day after the
# report deadline.
LISTING_WORKING_DAYS = 5

ART_LIST_ABNORMAL = "民政部令第60号第十条"
ART_REMOVE_DUTY = "民政部令第60号第十二条"
ART_REMOVE_NO_DUTY = "民政部令第60号第十二条"
ART_RESTART = "民政部令第60号第十三条"
ART_TRANSFER = "民政部令第60号第十四条第（一）项"
ART_REMOVE_SERIOUS = "民政部令第60号第十六条"
ART_REMOVE_SERIOUS_REVOKED = "民政部令第60号第十六条第二款"
ART_REMOVE_SERIOUS_DUTY = "民政部令第60号第十七条"

# Grounds with no duty to fulfil (art. 12, second clause): the listing lapses after 6 months.
NO_DUTY_GROUNDS = frozenset({CreditGround.WARNING_OR_SMALL_FINE})


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; a day the month lacks becomes its last (31 Aug + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later ("满N年"); 29 February becomes 28 February."""
    return add_months(day, 12 * years)


def default_report_deadline(year: int) -> datetime.date:
    """DESIGN §7: the reports for year Y are due by 31 May of Y+1, unless a clerk set another deadline."""
    return datetime.date(year + 1, 5, 31)


def owes_report(*, registered_on: datetime.date, ended_on: datetime.date | None, year: int, deadline: datetime.date):
    """An organization owes the report for `year` when registered on or before 31 Dec of it, unless it
    was deregistered or revoked before the deadline (DESIGN §7)."""
    return registered_on <= datetime.date(year, 12, 31) and (ended_on is None or ended_on >= deadline)


def listing_due(deadline: datetime.date, days: WorkingDays) -> datetime.date:
    """When a listing for a missed deadline is due (art. 10 ground (一); time held to art. 8)."""
    return days.add(deadline, LISTING_WORKING_DAYS)


def removal_due_after_duty(verified_on: datetime.date, days: WorkingDays) -> datetime.date:
    """Art. 12: the duty fulfilled and verified on `verified_on` → removal within 5 working days after."""
    return days.add(verified_on, REMOVAL_WORKING_DAYS)


def removal_due_without_duty(counted_from: datetime.date) -> datetime.date:
    """Art. 12: no duty to fulfil → removal when 6 months have passed since the clock started (art. 13)."""
    return add_months(counted_from, NO_DUTY_MONTHS)


def transfer_due(counted_from: datetime.date) -> datetime.date:
    """Art. 14(1): 2 years on the abnormal list since the clock started → the serious list, that day."""
    return add_years(counted_from, TRANSFER_YEARS)


def serious_removal_due(counted_from: datetime.date, duty_done_on: datetime.date | None = None) -> datetime.date:
    """Art. 16: removal may be applied for after 2 years on the serious list with no ground for either
    list (`counted_from`: the listing, a new serious ground, or an abnormal listing since); art. 17: for
    `abnormal_two_years`, not before the original duty is fulfilled (`duty_done_on`)."""
    due = add_years(counted_from, SERIOUS_REMOVAL_YEARS)
    return max(due, duty_done_on) if duty_done_on is not None else due


def serious_removal_due_on_deregistration(deregistered_on: datetime.date) -> datetime.date:
    """Art. 16 (second paragraph; the place unverified, 0401): a listing for `revoked_or_cancelled` ends
    when deregistration is completed."""
    return deregistered_on


class WorkingDays:
    """Working days from the calendar table, loaded a year at a time. `uncovered` collects the years
    a computation reached that the table does not cover (counted as Monday–Friday)."""

    def __init__(self):
        self._years: dict[int, dict[datetime.date, bool] | None] = {}
        self.uncovered: set[int] = set()

    def _year(self, year: int) -> dict[datetime.date, bool] | None:
        if year not in self._years:
            from supervision.models import CalendarDay, CalendarYear

            if CalendarYear.objects.filter(year=year).exists():
                rows = CalendarDay.objects.filter(day__year=year).values_list("day", "working")
                self._years[year] = dict(rows)
            else:
                self._years[year] = None
        return self._years[year]

    def is_working(self, day: datetime.date) -> bool:
        days = self._year(day.year)
        if days is None:
            self.uncovered.add(day.year)
            return day.weekday() < 5
        return days.get(day, day.weekday() < 5)

    def add(self, start: datetime.date, count: int) -> datetime.date:
        """The `count`-th working day after `start` ("N个工作日内": the day the time runs out)."""
        day = start
        while count > 0:
            day += ONE_DAY
            if self.is_working(day):
                count -= 1
        return day
