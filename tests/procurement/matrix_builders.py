"""Procurement's builders for the role × resource × method matrix (tests/core/test_matrix.py).

Projects, demands and responses belong to their department's district (docs/decisions/0053), so a
record "of a district" is one of a department of that district. Transferred functions are city
records only (no district may write them): `city_only=True` (their access is also tested in
tests/procurement/test_api.py).
"""

import datetime
import itertools

from procurement import services
from procurement.models import (
    DemandResponse,
    Department,
    ProjectCap,
    PurchasedServiceProject,
    ServiceDemand,
    TransferredFunction,
)
from tests.conftest import make_organization
from tests.core.matrix_builders import LinkBuilder, MatrixBuilder, register
from tests.procurement.builders import award, make_demand, make_department, make_function, make_project

_serial = itertools.count(1)
AWARD_DAY = datetime.date(2022, 3, 1)


def department_of(district: str) -> Department:
    return make_department(f"矩阵测试部门{next(_serial)}", division=district)


def awarded(project: PurchasedServiceProject) -> dict:
    award(project, make_organization(), AWARD_DAY)
    return {"date": "2022-12-01", "reason": "矩阵测试：验收合格"}


def cancelled(project: PurchasedServiceProject) -> dict:
    services.project_cancel(project=project, on=datetime.date(2022, 2, 1), reason="matrix", actor=None)
    return {"reason": "矩阵测试：误记取消"}


register(
    MatrixBuilder(
        model=Department,
        make=department_of,
        create_payload=lambda district: {"name": f"矩阵测试新部门{next(_serial)}", "division": district},
        patch_payload=lambda department: {"name": f"矩阵测试改名部门{next(_serial)}"},
        move_payload=lambda department, district: {"division": district},
    )
)

register(
    MatrixBuilder(
        model=PurchasedServiceProject,
        make=lambda district: make_project(purchaser=department_of(district)),
        create_payload=lambda district: {
            "title": f"矩阵测试项目{next(_serial)}",
            "purchaser": department_of(district).pk,
            "year": 2022,
            "amount": "100000.00",
        },
        patch_payload=lambda project: {"title": f"矩阵测试改名项目{next(_serial)}"},
        move_payload=lambda project, district: {"purchaser": department_of(district).pk},
        actions={
            "award": lambda project: {"provider": make_organization().pk, "date": AWARD_DAY.isoformat()},
            "deliver": awarded,
            "cancel": lambda project: {"date": "2022-02-01", "reason": "矩阵测试：预算调整"},
            "reinstate": cancelled,
        },
    )
)


def closed(demand: ServiceDemand) -> dict:
    services.demand_close(demand=demand, on=datetime.date(2022, 6, 30), reason="matrix", actor=None)
    return {"reason": "矩阵测试：误关闭"}


register(
    MatrixBuilder(
        model=ServiceDemand,
        make=lambda district: make_demand(department=department_of(district)),
        create_payload=lambda district: {
            "department": department_of(district).pk,
            "title": f"矩阵测试需求{next(_serial)}",
            "published_on": "2022-03-01",
        },
        patch_payload=lambda demand: {"title": f"矩阵测试改名需求{next(_serial)}"},
        move_payload=lambda demand, district: {"department": department_of(district).pk},
        actions={
            "close": lambda demand: {"date": "2022-06-30", "reason": "矩阵测试：需求撤回"},
            "reinstate": closed,
        },
    )
)


def response_of(district: str) -> DemandResponse:
    from core.services import instance_save

    demand = make_demand(department=department_of(district))
    return instance_save(
        instance=DemandResponse(demand=demand, organization=make_organization(), responded_on=datetime.date(2022, 3, 5))
    )


def project_of(response: DemandResponse, district: str) -> dict:
    """Only an accepted response leads to a project: accept it, then link it to a project of `district`."""
    from core.services import instance_save

    response.accepted, response.accepted_on = True, datetime.date(2022, 3, 6)
    instance_save(instance=response)
    return {"project": make_project(purchaser=department_of(district)).pk}


# A response stays with its demand (a change of demand is a 400 for everyone): no move_payload.
register(
    MatrixBuilder(
        model=DemandResponse,
        make=response_of,
        create_payload=lambda district: {
            "demand": make_demand(department=department_of(district)).pk,
            "organization": make_organization().pk,
            "responded_on": "2022-03-05",
        },
        patch_payload=lambda response: {"note": "矩阵测试"},
        actions={"accept": lambda response: {"date": "2022-03-06"}},
        links={
            "project": LinkBuilder(
                patch=project_of,
                no_create="a new response is not accepted yet, and only an accepted one leads to a project",
            )
        },
    )
)

# Read-only in the API: every write is a 405.
register(MatrixBuilder(model=ProjectCap, make=lambda district: ProjectCap.objects.order_by("effective_from").first()))


register(
    MatrixBuilder(
        model=TransferredFunction,
        make=lambda district: make_function(),
        create_payload=lambda district: {
            "batch": 1,
            "item_number": 500 + next(_serial),
            "name": f"矩阵测试转移职能{next(_serial)}",
            "department": make_department(f"矩阵测试市级部门{next(_serial)}").pk,
            "category": "industry",
        },
        patch_payload=lambda function: {"note": "矩阵测试"},
        city_only=True,
        cannot_move="transferred functions are the city bureau's; no district holds one",
    )
)
