"""A small register with at least one record of every kind the admin lists, so a sweep of the admin
meets a change page of each."""

import datetime

from core.choices import Role
from core.models import ApiToken, ExportLog
from core.services import instance_save
from procurement.models import DemandResponse
from ratings.choices import HonourKind
from ratings.models import Honour
from registry.choices import OrgType
from tests.conftest import make_organization, make_user
from tests.platforms.builders import XIAYING, assess, fund, incubate, make_centre, rate
from tests.procurement.builders import make_demand, make_department, make_function, make_project
from tests.ratings.builders import make_evaluation
from tests.registry.builders import make_annual_report, make_credit_entry, make_filing, make_party_organization


def make_one_record_of_each_kind() -> None:
    organization = make_organization(name="宁波市鄞州区志愿者协会", registered_by="330212")
    make_organization(name="宁波市慈善基金会", org_type=OrgType.FOUNDATION, registered_by="330200")
    make_annual_report(organization, year=2022)
    make_credit_entry(organization)
    make_party_organization(organization)
    make_evaluation(organization, grade=4, concluded_on=datetime.date(2024, 3, 1))
    honour = Honour(kind=HonourKind.PROVINCIAL_BRAND, year=2022, organization=organization)
    honour.full_clean()
    honour.save()
    make_filing(name="下应街道夕阳红志愿服务队")
    centre = make_centre(XIAYING, name="下应街道社会组织服务中心")
    assess(centre, datetime.date(2022, 11, 1))
    rate(centre, 2022, 4)
    fund(centre, 2022, "300000.00")
    incubate(centre, organization, datetime.date(2021, 5, 1))
    department = make_department("宁波市民政局")
    make_project(title="社区居家养老服务项目", purchaser=department)
    demand = make_demand(title="社区心理疏导服务需求", department=department)
    instance_save(
        instance=DemandResponse(demand=demand, organization=organization, responded_on=datetime.date(2022, 3, 5))
    )
    make_function(name="社会组织等级评估的具体实施", department=department)
    district_system = make_user(Role.DISTRICT, district="330212", username="yinzhou-system", staff=False)
    ApiToken.issue(user=district_system, name="鄞州区民政系统")
    ExportLog.objects.create(user_name="auditor-zhao", resource="organizations", file_format="csv", row_count=2)
