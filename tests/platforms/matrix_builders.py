"""Platforms' builders for the role × resource × method matrix (tests/core/test_matrix.py)."""

import datetime
import itertools

from platforms.models import (
    FilingSupport,
    Incubation,
    Platform,
    PlatformFunding,
    PlatformRating,
    StandardisationAssessment,
)
from platforms.services import platform_close
from registry.choices import DivisionLevel
from registry.models import Division
from tests.conftest import make_organization
from tests.core.matrix_builders import MatrixBuilder, register
from tests.platforms.builders import assess, fund, incubate, make_centre, make_platform, rate, support
from tests.registry.builders import make_filing

_serial = itertools.count(1)


def township_of(district: str) -> str:
    return Division.objects.filter(parent_id=district, level=DivisionLevel.TOWNSHIP).order_by("code").first().code


def closed(platform: Platform) -> dict:
    platform_close(platform=platform, on=datetime.date(2023, 1, 31), reason="matrix", actor=None)
    return {"reason": "矩阵测试：误记关闭"}


register(
    MatrixBuilder(
        model=Platform,
        make=lambda district: make_platform(township_of(district)),
        create_payload=lambda district: {
            "name": f"矩阵测试服务中心{next(_serial)}",
            "kind": "hub",
            "level": "township",
            "division": township_of(district),
            "opened_on": "2019-01-01",
        },
        patch_payload=lambda platform: {"name": f"矩阵测试改名中心{next(_serial)}"},
        move_payload=lambda platform, district: {"division": township_of(district)},
        actions={
            "close": lambda platform: {"date": "2023-01-31", "reason": "矩阵测试：停止运营"},
            "reopen": closed,
        },
    )
)


def record_builder(model, make, create_fields, patch):
    """A platform record: it belongs to its platform's district, and moves by changing platform."""
    return register(
        MatrixBuilder(
            model=model,
            make=make,
            create_payload=lambda district: {"platform": make_centre(township_of(district)).pk, **create_fields()},
            patch_payload=lambda record: patch,
            move_payload=lambda record, district: {"platform": make_centre(township_of(district)).pk},
        )
    )


record_builder(
    StandardisationAssessment,
    lambda district: assess(make_centre(township_of(district)), datetime.date(2022, 6, 1)),
    lambda: {"year": 2022, "result": "passed", "assessed_on": "2022-06-01"},
    {"assessor": "矩阵测试评估机构"},
)
record_builder(
    PlatformRating,
    lambda district: rate(make_centre(township_of(district)), 2022, 3),
    lambda: {"year": 2022, "grade": 3},
    {"notes": "矩阵测试"},
)
record_builder(
    PlatformFunding,
    lambda district: fund(make_centre(township_of(district)), 2022, "10000.00"),
    lambda: {"year": 2022, "source": "city_welfare_lottery", "amount": "10000.00"},
    {"notes": "矩阵测试"},
)
record_builder(
    Incubation,
    lambda district: incubate(
        make_centre(township_of(district)), make_organization(registered_by_id=district), datetime.date(2021, 1, 1)
    ),
    lambda: {"organization": make_organization().pk, "incubated_from": "2021-01-01"},
    {"notes": "矩阵测试"},
)

register(
    MatrixBuilder(
        model=FilingSupport,
        make=lambda district: support(
            make_filing(township=township_of(district)), make_platform(township_of(district))
        ),
        create_payload=lambda district: {
            "filing": make_filing(township=township_of(district)).pk,
            "platform": make_platform(township_of(district)).pk,
        },
        patch_payload=lambda record: {"notes": "矩阵测试"},
        move_payload=lambda record, district: {
            "filing": make_filing(township=township_of(district)).pk,
            "platform": make_platform(township_of(district)).pk,
        },
    )
)
