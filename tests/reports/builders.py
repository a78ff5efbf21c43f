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
