"""Builders of the reports tests: small crafted registers whose figures are known by hand."""

import datetime

from registry.choices import OrgStatus
from registry.models import Organization
from tests.conftest import make_organization

D = datetime.date


def ended_organization(*, status: str = OrgStatus.DEREGISTERED, on: datetime.date, **fields) -> Organization:
    """An organization deregistered (or revoked) on `on`, written as the status service leaves it."""
    organization = make_organization(**fields)
    Organization.objects.filter(pk=organization.pk).update(status=status, status_date=on, status_reason="测试")
    organization.refresh_from_db()
    return organization


def revoked_evaluation(evaluation, on: datetime.date):
    """A rating revoked on `on`, written as the revocation service leaves it."""
    type(evaluation)._base_manager.filter(pk=evaluation.pk).update(
        revoked_on=on, revocation_ground="other", revocation_reason="测试"
    )
    evaluation.refresh_from_db()
    return evaluation


def purchased_project(*, year: int, amount: str, provider, status: str = "delivered", **fields):
    """A project bought from `provider` (awarded in its year), written as the award and delivery leave it."""
    from decimal import Decimal

    from procurement.models import PurchasedServiceProject
    from tests.procurement.builders import make_project

    project = make_project(year=year, amount=Decimal(amount), **fields)
    awarded = datetime.date(year, 3, 1)
    PurchasedServiceProject._base_manager.filter(pk=project.pk).update(
        status=status,
        provider=provider,
        awarded_on=awarded,
        delivered_on=datetime.date(year, 11, 30) if status == "delivered" else None,
        cancelled_on=datetime.date(year, 4, 1) if status == "cancelled" else None,
    )
    project.refresh_from_db()
    return project
