"""Builders of the evaluation procedure for the tests: rounds, applications at any step, objections."""

import datetime
import itertools

from core.services import instance_save
from evaluations import services
from evaluations.choices import ApplicationStatus
from evaluations.models import EvaluationApplication, EvaluationRound, Objection
from registry.choices import CITY_CODE
from tests.conftest import make_organization
from tests.ratings.builders import filed_last_years_report

_serial = itertools.count(1)

# The steps of the matrix's and the tests' cases: a round of 2023, every step a few weeks apart.
APPLIED_ON = datetime.date(2023, 3, 1)
ACCEPTED_ON = datetime.date(2023, 3, 10)
SCORED_ON = datetime.date(2023, 4, 1)
NOTICE_FROM = datetime.date(2023, 5, 1)
CONCLUDED_ON = datetime.date(2023, 5, 10)


def make_round(authority: str = CITY_CODE, *, year: int = 2023, **fields) -> EvaluationRound:
    defaults = {
        "name": f"{year}年度社会组织评估（测试{next(_serial)}）",
        "applications_from": datetime.date(year, 1, 1),
        "applications_until": datetime.date(year, 12, 31),
    }
    defaults.update(fields)
    return instance_save(instance=EvaluationRound(year=year, authority_id=authority, **defaults))


def eligible_organization(district: str = CITY_CODE, on: datetime.date = ACCEPTED_ON, **fields):
    """An organization of `district` (the city bureau's by default) that meets every rule on `on`."""
    organization = make_organization(registered_by_id=district, **fields)
    filed_last_years_report(organization, on)
    return organization


def make_application(
    organization=None, round_=None, *, status: str = ApplicationStatus.APPLIED, score="930", district: str = CITY_CODE
) -> EvaluationApplication:
    """An application taken, as the system would, up to `status` along the usual dates."""
    organization = organization or eligible_organization(district)
    round_ = round_ or make_round(organization.registered_by_id)
    application = instance_save(
        instance=EvaluationApplication(round=round_, organization=organization, applied_on=APPLIED_ON)
    )
    steps = [
        (ApplicationStatus.ACCEPTED, lambda a: services.application_accept(application=a, on=ACCEPTED_ON, actor=None)),
        (
            ApplicationStatus.SCORED,
            lambda a: services.application_score(application=a, on=SCORED_ON, score=score, actor=None),
        ),
        (
            ApplicationStatus.PUBLIC_NOTICE,
            lambda a: services.application_publish(application=a, on=NOTICE_FROM, actor=None),
        ),
        (
            ApplicationStatus.CONCLUDED,
            lambda a: services.application_conclude(application=a, on=CONCLUDED_ON, actor=None),
        ),
    ]
    if status == ApplicationStatus.REFUSED:
        return services.application_refuse(application=application, on=ACCEPTED_ON, reason="材料不全", actor=None)
    if status == ApplicationStatus.WITHDRAWN:
        return services.application_withdraw(application=application, on=ACCEPTED_ON, reason="自愿撤回", actor=None)
    for reached, step in steps:
        if application.status == status:
            break
        application = step(application)
        assert application.status == reached
    return application


def make_objection(application=None, *, filed_on=datetime.date(2023, 5, 3), district: str = CITY_CODE) -> Objection:
    application = application or make_application(status=ApplicationStatus.PUBLIC_NOTICE, district=district)
    return instance_save(instance=Objection(application=application, filed_on=filed_on, grounds="对评估得分有异议"))
