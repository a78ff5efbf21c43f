"""Builders of ratings for the tests: a rating as it stands in the register, without the service's checks."""

import datetime

from django.utils import timezone

from ratings.models import Evaluation
from registry.choices import ReportResult
from registry.models import AnnualReport
from tests.conftest import make_organization


def make_evaluation(
    organization=None, *, grade: int = 5, concluded_on=datetime.date(2024, 3, 1), **fields
) -> Evaluation:
    """A rating saved as the system would (no actor, no eligibility check): for building histories."""
    if organization is None:
        organization = make_organization()
    evaluation = Evaluation(organization=organization, grade=grade, concluded_on=concluded_on, **fields)
    evaluation.full_clean()
    evaluation.save()
    return evaluation


def years_ago(years: int, *, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day - datetime.timedelta(days=days)


def filed_last_years_report(organization, on: datetime.date) -> None:
    """Record a passed annual report for the year before `on` (unless one is recorded), as the eligibility
    rules ask of every organization rated on `on` (民政部令第39号 art. 7(一))."""
    year = on.year - 1
    if organization.registered_on.year <= year:
        AnnualReport.objects.get_or_create(
            organization=organization,
            year=year,
            defaults={"result": ReportResult.PASSED, "submitted_on": datetime.date(year + 1, 3, 31)},
        )
