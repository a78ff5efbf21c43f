"""`rate`: give an organization an evaluation grade through the ratings services, as the award reads it."""

import datetime

import pytest

from ratings import services as ratings_services
from ratings.models import Evaluation
from tests.ratings.builders import filed_last_years_report


@pytest.fixture
def rate(db):
    """rate(organization, grade, concluded_on, revoked_on=None) -> Evaluation: conclude a rating (the
    ratings service checks eligibility: providers built by make_organization are registered in 2015)
    and, with `revoked_on`, revoke it on that day."""

    def rate(
        organization, grade: int, concluded_on: datetime.date, revoked_on: datetime.date | None = None
    ) -> Evaluation:
        filed_last_years_report(organization, concluded_on)
        evaluation = ratings_services.evaluation_conclude(
            organization=organization, grade=grade, concluded_on=concluded_on, actor=None
        )
        if revoked_on is not None:
            evaluation = ratings_services.evaluation_revoke(
                evaluation=evaluation, on=revoked_on, reason="测试：撤销评估等级", actor=None
            )
        return evaluation

    return rate
