"""The steps' rules as the services hold them, whichever door (API, admin) calls them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.models import ChangeRecord
from evaluations import services
from evaluations.choices import ApplicationStatus
from ratings.models import Evaluation
from registry.choices import CreditList
from tests.evaluations.builders import (
    ACCEPTED_ON,
    NOTICE_FROM,
    SCORED_ON,
    eligible_organization,
    make_application,
    make_round,
)
from tests.registry.builders import make_credit_entry

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-06-01")]
D = datetime.date


def test_a_conclusion_comes_only_after_the_public_notice():
    application = make_application(status=ApplicationStatus.PUBLIC_NOTICE)  # notice until 2023-05-07
    with pytest.raises(ValidationError) as refused:
        services.application_conclude(application=application, on=D(2023, 5, 7), actor=None)
    assert "date" in refused.value.message_dict
    concluded = services.application_conclude(application=application, on=D(2023, 5, 8), actor=None)
    assert concluded.evaluation.concluded_on == D(2023, 5, 8)


def test_a_score_below_the_1a_threshold_concludes_without_a_rating():
    application = make_application(status=ApplicationStatus.ACCEPTED)
    scored = services.application_score(application=application, on=SCORED_ON, score="420", actor=None)
    assert scored.proposed_grade is None and scored.grade is None
    services.application_publish(application=scored, on=NOTICE_FROM, actor=None)
    concluded = services.application_conclude(application=scored, on=D(2023, 5, 10), actor=None)
    assert concluded.status == ApplicationStatus.CONCLUDED and concluded.evaluation is None
    assert not Evaluation.objects.filter(organization=application.organization).exists()


def test_an_acceptance_despite_a_refusal_concludes_with_its_recorded_reason():
    organization = eligible_organization()
    make_credit_entry(organization, kind=CreditList.ABNORMAL, listed_on=D(2022, 9, 1))
    application = make_application(organization)
    with pytest.raises(ValidationError):
        services.application_accept(application=application, on=ACCEPTED_ON, actor=None)
    accepted = services.application_accept(
        application=application, on=ACCEPTED_ON, override_reason="名录记载有误，已申请更正", actor=None
    )
    services.application_score(application=accepted, on=SCORED_ON, score="830", actor=None)
    services.application_publish(application=accepted, on=NOTICE_FROM, actor=None)
    concluded = services.application_conclude(application=accepted, on=D(2023, 5, 10), actor=None)
    assert concluded.evaluation.grade == 4
    record = ChangeRecord.objects.get(content_type__model="evaluation", object_id=concluded.evaluation_id)
    assert "名录记载有误" in record.message


def test_eligibility_is_examined_on_the_acceptance_day_not_again_at_the_conclusion():
    organization = eligible_organization()
    application = make_application(organization, status=ApplicationStatus.PUBLIC_NOTICE)
    make_credit_entry(organization, kind=CreditList.ABNORMAL, listed_on=D(2023, 5, 2))  # after acceptance
    concluded = services.application_conclude(application=application, on=D(2023, 5, 10), actor=None)
    assert concluded.evaluation is not None


def test_only_open_applications_are_withdrawn_and_a_reason_is_required():
    application = make_application(status=ApplicationStatus.SCORED)
    with pytest.raises(ValidationError) as refused:
        services.application_withdraw(application=application, on=D(2023, 4, 2), reason=" ", actor=None)
    assert "reason" in refused.value.message_dict
    withdrawn = services.application_withdraw(application=application, on=D(2023, 4, 2), reason="自愿退出", actor=None)
    assert withdrawn.status == ApplicationStatus.WITHDRAWN
    with pytest.raises(ValidationError) as again:
        services.application_withdraw(application=withdrawn, on=D(2023, 4, 3), reason="再次", actor=None)
    assert "status" in again.value.message_dict


def test_a_step_dated_before_the_previous_one_is_refused():
    application = make_application(status=ApplicationStatus.ACCEPTED)  # accepted 2023-03-10
    with pytest.raises(ValidationError) as refused:
        services.application_score(application=application, on=D(2023, 3, 9), score="930", actor=None)
    assert "date" in refused.value.message_dict


def test_applications_are_taken_only_within_the_rounds_window():
    from core.services import instance_save
    from evaluations.models import EvaluationApplication

    round_ = make_round(applications_from=D(2023, 2, 1), applications_until=D(2023, 2, 28))
    with pytest.raises(ValidationError) as refused:
        instance_save(
            instance=EvaluationApplication(round=round_, organization=eligible_organization(), applied_on=D(2023, 3, 1))
        )
    assert "applied_on" in refused.value.message_dict
