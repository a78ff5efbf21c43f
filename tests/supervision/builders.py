"""Builders of supervision's records and of the facts its rules read."""

import datetime

from registry import services as registry_services
from registry.choices import CreditGround, CreditList
from supervision.choices import ProposalKind
from supervision.models import ReportDeadline, SupervisionProposal
from tests.conftest import make_organization
from tests.registry.builders import make_annual_report

D = datetime.date
REGISTERED_2020 = D(2020, 3, 1)
LISTED = D(2025, 6, 3)
DEADLINE = D(2025, 6, 30)
DUE = D(2025, 6, 9)


def organization_with_reports(*, registered_on=REGISTERED_2020, filed: dict | None = None, **fields):
    """An organization whose reports for the given years were filed on the given days ({2023: date})."""
    organization = make_organization(registered_on=registered_on, **fields)
    for year, day in (filed or {}).items():
        make_annual_report(organization, year=year, result="", submitted_on=day)
    return organization


def listed(organization, *, ground=CreditGround.REPORT_OVERDUE, on=LISTED, kind=CreditList.ABNORMAL):
    return registry_services.credit_entry_list(
        organization=organization, list_kind=kind, ground=ground, on=on, reason="测试列入", actor=None
    )


def make_deadline(year=2024, org_type=None, deadline=DEADLINE):
    row = ReportDeadline(year=year, org_type=org_type, deadline=deadline)
    row.full_clean()
    row.save()
    return row


def make_proposal(organization=None, *, district="330212", due_on=DUE, key=None):
    """An open list_abnormal proposal of an organization of `district`, saved as the job would."""
    organization = organization or make_organization(registered_by_id=district, registered_on=REGISTERED_2020)
    proposal = SupervisionProposal(
        key=key or f"test:{organization.pk}:{due_on}",
        kind=ProposalKind.LIST_ABNORMAL,
        organization=organization,
        ground=CreditGround.REPORT_OVERDUE,
        basis="民政部令第60号第十条",
        arises_on=due_on - datetime.timedelta(days=7),
        due_on=due_on,
        report_year=2024,
    )
    proposal.save()
    return proposal
