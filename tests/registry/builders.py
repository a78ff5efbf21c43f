"""Builders of the registry's own records: communities, filings, annual reports, credit-list entries,
party organizations. Each saves as the system would (no actor) with valid defaults."""

import datetime
import itertools

from registry.choices import CreditList, FilingCategory, PartyOrgKind, PenaltyKind, ReportResult
from registry.models import (
    AdministrativePenalty,
    AnnualReport,
    CommunityOrganization,
    ComprehensivePartyCommittee,
    CreditListEntry,
    Division,
    PartyOrganization,
)
from registry.services import party_organization_save
from tests.conftest import make_organization

_serial = itertools.count(1)

# Real townships of the fixture: 下应街道 (鄞州区), 钟公庙街道 (鄞州区), 南门街道 (海曙区).
YINZHOU_TOWNSHIP = "330212001"
YINZHOU_OTHER_TOWNSHIP = "330212002"
HAISHU_TOWNSHIP = "330203001"


def make_community(township: str = YINZHOU_TOWNSHIP, *, urban: bool = True, serial: int | None = None) -> Division:
    """A community under the township: a residents' committee (001–199) when urban, else a village (200–399)."""
    number = serial if serial is not None else next(_serial) % 199 + 1
    code = f"{township}{(number if urban else 199 + number):03d}"
    community, _ = Division.objects.get_or_create(
        code=code,
        defaults={"name": f"测试{'社区' if urban else '村'}{code[-3:]}", "level": "community", "parent_id": township},
    )
    return community


def make_filing(*, township: str = YINZHOU_TOWNSHIP, urban: bool = True, **fields) -> CommunityOrganization:
    community = fields.pop("community", None) or make_community(township, urban=urban)
    values = {
        "name": f"测试社区社会组织{next(_serial)}",
        "category": FilingCategory.SERVICE,
        "filed_on": datetime.date(2021, 3, 1),
        "contact_person": "李四",
        "contact_phone": "13912345678",
        "member_count": 12,
    }
    values.update(fields)
    filing = CommunityOrganization(township_id=township, community=community, **values)
    filing.full_clean()
    filing.save()
    return filing


_FILED = object()


def make_annual_report(
    organization=None, *, year: int = 2022, result: str = ReportResult.PASSED, submitted_on=_FILED, reviewed_on=None
):
    """A report for `year`, filed on 31 March of the next year unless `submitted_on` says otherwise
    (None: not filed, which takes `result=""`)."""
    if submitted_on is _FILED:
        submitted_on = datetime.date(year + 1, 3, 31)
    report = AnnualReport(
        organization=organization or make_organization(),
        year=year,
        result=result,
        submitted_on=submitted_on,
        reviewed_on=reviewed_on,
    )
    report.full_clean()
    report.save()
    return report


def make_credit_entry(
    organization=None, *, kind: str = CreditList.ABNORMAL, listed_on=None, reason: str = "未按时年检"
):
    entry = CreditListEntry(
        organization=organization or make_organization(),
        list_kind=kind,
        listed_on=listed_on or datetime.date(2022, 6, 1),
        reason=reason,
    )
    entry.full_clean()
    entry.save()
    return entry


def committee_of(code: str) -> ComprehensivePartyCommittee:
    """The comprehensive party committee of the city (the fixture's) or of a district (made when absent)."""
    division = Division.objects.get(code=code)
    committee, _ = ComprehensivePartyCommittee.objects.get_or_create(
        division=division, defaults={"name": f"{division.name}社会组织综合党委"}
    )
    return committee


def make_party_organization(
    *organizations, kind: str | None = None, comprehensive_committee: bool = False, **fields
) -> PartyOrganization:
    """`comprehensive_committee=True`: held by the committee of its organizations' district (or the city's)."""
    organizations = list(organizations) or [make_organization()]
    kind = kind or (PartyOrgKind.STANDALONE if len(organizations) == 1 else PartyOrgKind.JOINT)
    values = {"name": f"测试党支部{next(_serial)}", "member_count": 5, "established_on": datetime.date(2019, 7, 1)}
    if comprehensive_committee:
        districts = {organization.jurisdiction_district() for organization in organizations}
        values["committee"] = committee_of(
            districts.pop() if len(districts) == 1 and None not in districts else "330200"
        )
    values.update(fields)
    return party_organization_save(
        party_organization=PartyOrganization(kind=kind, **values), organizations=organizations, actor=None
    )


def make_penalty(organization, *, decided_on=datetime.date(2022, 5, 10), kind=PenaltyKind.WARNING, **fields):
    """An administrative penalty saved as the system would (no actor)."""
    penalty = AdministrativePenalty(
        organization=organization,
        decided_on=decided_on,
        kind=kind,
        authority=fields.pop("authority", "宁波市民政局"),
        **fields,
    )
    penalty.full_clean()
    penalty.save()
    return penalty
