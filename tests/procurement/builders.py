"""Builders of procurement records."""

import datetime
import itertools
from decimal import Decimal

from core.services import instance_save
from procurement import services
from procurement.models import Department, PurchasedServiceProject, ServiceDemand, TransferredFunction

_serial = itertools.count(1)


def make_department(name: str | None = None, division: str = "330200") -> Department:
    return instance_save(instance=Department(name=name or f"测试部门{next(_serial)}", division_id=division))


def make_project(**fields) -> PurchasedServiceProject:
    """An open project of a city department, saved as the system would (no actor)."""
    values = {
        "title": f"测试购买服务项目{next(_serial)}",
        "year": 2022,
        "amount": Decimal("100000.00"),
        "announced_on": datetime.date(fields.get("year", 2022), 1, 10),
    }
    values.update(fields)
    if "purchaser" not in values and "purchaser_id" not in values:
        values["purchaser"] = make_department()
    return instance_save(instance=PurchasedServiceProject(**values))


def make_demand(**fields) -> ServiceDemand:
    values = {"title": f"测试服务需求{next(_serial)}", "published_on": datetime.date(2022, 3, 1)}
    values.update(fields)
    if "department" not in values:
        values["department"] = make_department()
    return instance_save(instance=ServiceDemand(**values))


def make_function(**fields) -> TransferredFunction:
    values = {"batch": 1, "item_number": next(_serial), "name": f"测试转移职能{next(_serial)}", "category": "industry"}
    values.update(fields)
    if "department" not in values:
        values["department"] = make_department()
    return instance_save(instance=TransferredFunction(**values))


def award(project, provider, on: datetime.date, **kwargs) -> PurchasedServiceProject:
    return services.project_award(project=project, provider=provider, on=on, actor=kwargs.pop("actor", None), **kwargs)
