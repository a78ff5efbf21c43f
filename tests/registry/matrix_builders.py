"""The registry's builders for the role × resource × method matrix (tests/core/test_matrix.py).

Organizations and divisions are registered by tests/core/matrix_builders.py."""

import datetime
import itertools

from registry import services
from registry.choices import CreditList, DivisionLevel, FilingCategory, PartyOrgKind, PenaltyKind, ReportResult
from registry.models import (
    AdministrativePenalty,
    AnnualReport,
    CommunityOrganization,
    ComprehensivePartyCommittee,
    CreditListEntry,
    Division,
    PartyOrganization,
)
from tests.conftest import make_organization
from tests.core.matrix_builders import LinkBuilder, MatrixBuilder, register
from tests.registry.builders import (
    committee_of,
    make_annual_report,
    make_community,
    make_credit_entry,
    make_filing,
    make_party_organization,
    make_penalty,
)

_serial = itertools.count(1)


def township_of(district: str) -> str:
    return Division.objects.filter(parent_id=district, level=DivisionLevel.TOWNSHIP).order_by("code").first().code


def organization_of(district: str) -> int:
    return make_organization(registered_by_id=district).pk


def filing_payload(district: str) -> dict:
    township = township_of(district)
    return {
        "name": f"矩阵测试社区组织{next(_serial)}",
        "township": township,
        "community": make_community(township).code,
        "category": FilingCategory.SERVICE,
        "filed_on": "2021-03-01",
    }


def cancelled(filing: CommunityOrganization) -> dict:
    services.filing_cancel(filing=filing, on=datetime.date(2023, 1, 2), reason="matrix", actor=None)
    return {"reason": "矩阵测试：误记注销"}


def moved_filing(filing: CommunityOrganization, district: str) -> dict:
    township = township_of(district)
    return {"township": township, "community": make_community(township).code}


register(
    MatrixBuilder(
        model=CommunityOrganization,
        make=lambda district: make_filing(township=township_of(district)),
        township_writes=True,
        create_payload=filing_payload,
        patch_payload=lambda filing: {"member_count": 21},
        move_payload=moved_filing,
        actions={
            "cancel": lambda filing: {"date": "2023-01-31", "reason": "矩阵测试：解散"},
            "reinstate": cancelled,
            "bulk": lambda district: [filing_payload(district), filing_payload(district)],
        },
        links={
            "registered_as": LinkBuilder(
                patch=lambda filing, district: {"registered_as": organization_of(district)},
                create=lambda own, district: {**filing_payload(own), "registered_as": organization_of(district)},
            )
        },
    )
)

register(
    MatrixBuilder(
        model=AnnualReport,
        make=lambda district: make_annual_report(make_organization(registered_by_id=district)),
        create_payload=lambda district: {
            "organization": organization_of(district),
            "year": 2022,
            "submitted_on": "2023-03-31",
            "result": ReportResult.PASSED,
        },
        patch_payload=lambda report: {"remarks": "矩阵测试"},
        move_payload=lambda report, district: {"organization": organization_of(district)},
        actions={
            "bulk": lambda district: [
                {"organization": organization_of(district), "year": 2023, "submitted_on": "2024-03-01"},
                {"organization": organization_of(district), "year": 2023, "submitted_on": "2024-04-01"},
            ]
        },
    )
)


def removed(entry: CreditListEntry) -> dict:
    services.credit_entry_remove(entry=entry, on=datetime.date(2023, 1, 2), reason="matrix", actor=None)
    return {"reason": "矩阵测试：误记移出"}


register(
    MatrixBuilder(
        model=CreditListEntry,
        make=lambda district: make_credit_entry(make_organization(registered_by_id=district)),
        create_payload=lambda district: {
            "list_kind": CreditList.ABNORMAL,
            "organization": organization_of(district),
            "listed_on": "2022-06-01",
            "reason": "矩阵测试：未按时年检",
        },
        patch_payload=lambda entry: {"reason": "矩阵测试：更正理由"},
        move_payload=lambda entry, district: {"organization": organization_of(district)},
        actions={
            "remove": lambda entry: {"date": "2023-01-31", "reason": "矩阵测试：已整改"},
            "reinstate": removed,
        },
    )
)

register(
    MatrixBuilder(
        model=PartyOrganization,
        make=lambda district: make_party_organization(make_organization(registered_by_id=district)),
        create_payload=lambda district: {
            "name": f"矩阵测试党支部{next(_serial)}",
            "kind": PartyOrgKind.STANDALONE,
            "organizations": [organization_of(district)],
            "member_count": 5,
            "established_on": "2019-07-01",
        },
        patch_payload=lambda party: {"member_count": 7},
        move_payload=lambda party, district: {"organizations": [organization_of(district)]},
    )
)


def unused_district_committee(district: str) -> dict:
    ComprehensivePartyCommittee.objects.filter(division_id=district).delete()
    return {"name": f"矩阵测试综合党委{next(_serial)}", "division": district}


register(
    MatrixBuilder(
        model=ComprehensivePartyCommittee,
        make=committee_of,
        create_payload=unused_district_committee,
        patch_payload=lambda committee: {"name": f"矩阵测试改名综合党委{next(_serial)}"},
        move_payload=lambda committee, district: unused_district_committee(district),
    )
)

register(
    MatrixBuilder(
        model=AdministrativePenalty,
        make=lambda district: make_penalty(make_organization(registered_by_id=district)),
        create_payload=lambda district: {
            "organization": organization_of(district),
            "decided_on": "2022-05-10",
            "kind": PenaltyKind.FINE,
            "amount": "20000.00",
            "authority": "宁波市民政局",
        },
        patch_payload=lambda penalty: {"decision_number": "甬民罚〔2022〕9号"},
        move_payload=lambda penalty, district: {"organization": organization_of(district)},
    )
)


def make_person(district: str):
    from registry.models import OrganizationPerson

    person = OrganizationPerson(
        organization=make_organization(registered_by_id=district),
        role="secretary_general",
        name="矩阵测试人员",
        id_number="330212200301191234",
        phone="13900001111",
        started_on=datetime.date(2020, 1, 1),
    )
    person.full_clean()
    person.save()
    return person


def person_payload(district: str) -> dict:
    return {
        "organization": organization_of(district),
        "role": "chair",
        "name": "矩阵测试理事长",
        "id_number": "33020319850604002X",
        "phone": "13900002222",
        "from": "2021-01-01",
    }


def established_event_of(district: str):
    from registry.models import RegistrationEvent

    return RegistrationEvent.objects.get(organization=make_organization(registered_by_id=district), kind="established")


def _register_people_and_events():
    from registry.models import OrganizationPerson, RegistrationEvent

    register(
        MatrixBuilder(
            model=OrganizationPerson,
            make=make_person,
            create_payload=person_payload,
            patch_payload=lambda person: {"phone": "13900003333"},
            move_payload=lambda person, district: {"organization": organization_of(district)},
        )
    )
    register(MatrixBuilder(model=RegistrationEvent, make=established_event_of))


_register_people_and_events()
