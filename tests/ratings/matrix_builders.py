"""Ratings' builders for the role × resource × method matrix (tests/core/test_matrix.py)."""

import datetime

from core.services import instance_save
from ratings import services
from ratings.choices import HonourKind, HundredBestList
from ratings.models import Evaluation, Honour
from tests.conftest import make_organization
from tests.core.matrix_builders import LinkBuilder, MatrixBuilder, register
from tests.ratings.builders import filed_last_years_report, make_evaluation


def organization_of(district: str) -> int:
    return make_organization(registered_by_id=district).pk


def filing_of(district: str) -> int:
    from tests.registry.builders import make_filing
    from tests.registry.matrix_builders import township_of

    return make_filing(township=township_of(district)).pk


def revoked(evaluation: Evaluation) -> dict:
    services.evaluation_revoke(evaluation=evaluation, on=datetime.date(2024, 6, 1), reason="matrix", actor=None)
    return {"reason": "矩阵测试：撤销有误"}


def inspected_organization_of(district: str, on: datetime.date) -> int:
    """An organization of `district` that may be rated on `on` (last year's annual report filed)."""
    organization = make_organization(registered_by_id=district)
    filed_last_years_report(organization, on)
    return organization.pk


def withdrawn(honour: Honour) -> dict:
    services.honour_withdraw(honour=honour, on=datetime.date(2023, 6, 30), reason="matrix", actor=None)
    return {"reason": "矩阵测试：撤销有误"}


register(
    MatrixBuilder(
        model=Evaluation,
        make=lambda district: make_evaluation(make_organization(registered_by_id=district), grade=4),
        create_payload=lambda district: {
            "organization": inspected_organization_of(district, datetime.date(2022, 3, 1)),
            "grade": 3,
            "concluded_on": "2022-03-01",
            "score": "82.50",
        },
        patch_payload=lambda evaluation: {"score": "91.00"},
        cannot_move="a concluded rating keeps its organization (revoke it and conclude a new one)",
        actions={
            "revoke": lambda evaluation: {"date": "2024-06-01", "reason": "矩阵测试：提供虚假材料"},
            "downgrade": lambda evaluation: {"date": "2024-06-01", "grade": 3, "reason": "矩阵测试：降级"},
            "reinstate": revoked,
        },
        action_status={"downgrade": 201},
    )
)

register(
    MatrixBuilder(
        model=Honour,
        # Validated as the system saves it (`clean()` fills the issuing body), so a write of what was read
        # changes nothing (tests/core/test_status_actions.py).
        make=lambda district: instance_save(
            instance=Honour(
                kind=HonourKind.PROVINCIAL_BRAND, year=2021, organization=make_organization(registered_by_id=district)
            )
        ),
        create_payload=lambda district: {
            "kind": HonourKind.PROVINCIAL_BRAND,
            "year": 2022,
            "organization": organization_of(district),
        },
        patch_payload=lambda honour: {"note": "矩阵测试"},
        move_payload=lambda honour, district: {"organization": organization_of(district)},
        actions={
            "withdraw": lambda honour: {"date": "2023-06-30", "reason": "矩阵测试：撤销品牌称号"},
            "reinstate": withdrawn,
        },
        links={
            "community_organization": LinkBuilder(
                patch=lambda honour, district: {
                    "kind": HonourKind.CITY_THREE_HUNDRED_BEST,
                    "hundred_best_list": HundredBestList.ORGANIZATION,
                    "community_organization": filing_of(district),
                },
                create=lambda own, district: {
                    "kind": HonourKind.CITY_THREE_HUNDRED_BEST,
                    "hundred_best_list": HundredBestList.ORGANIZATION,
                    "year": 2022,
                    "organization": organization_of(own),
                    "community_organization": filing_of(district),
                },
            )
        },
    )
)
