"""Concluding, revoking, lowering and reinstating ratings, and who may be rated (民政部令第39号)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from core.access import WriteForbidden
from core.choices import ChangeAction, Role
from core.models import ChangeRecord
from ratings import services
from ratings.choices import EvaluationStatus, RevocationGround
from ratings.models import Evaluation
from ratings.selectors import grade_on
from registry.choices import CreditList, OrgStatus, PenaltyKind, ReportResult
from registry.models import Organization
from registry.services import credit_entry_remove
from tests.conftest import make_organization, make_user
from tests.ratings.builders import filed_last_years_report, make_evaluation
from tests.registry.builders import make_annual_report, make_credit_entry, make_penalty

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]
D = datetime.date
RATED_ON = D(2024, 3, 1)


@pytest.fixture
def clerk_user():
    return make_user(Role.CLERK)


def conclude(organization, *, grade=5, on=RATED_ON, actor=None, inspected=True, **extra):
    if inspected:
        filed_last_years_report(organization, on)
    return services.evaluation_conclude(organization=organization, grade=grade, concluded_on=on, actor=actor, **extra)


def refusal_of(organization, *, on=RATED_ON) -> list[str]:
    with pytest.raises(ValidationError) as error:
        conclude(organization, on=on)
    assert Evaluation.objects.filter(organization=organization, concluded_on=on).count() == 0
    return error.value.message_dict["organization"]


def test_conclude_records_the_rating_and_its_history(clerk_user):
    organization = make_organization(registered_on=D(2015, 1, 1))
    evaluation = conclude(organization, grade=4, score=Decimal("86.50"), actor=clerk_user)
    assert evaluation.valid_until == D(2029, 2, 28)
    assert evaluation.score == Decimal("86.50")
    record = ChangeRecord.objects.get(object_id=evaluation.pk, content_type__model="evaluation")
    assert record.actor == clerk_user and "4A" in record.message


def test_a_rating_is_refused_while_the_previous_one_is_valid_and_concluded_once_it_has_run_out(clerk_user):
    organization = make_organization(registered_on=D(2010, 1, 1))
    old = conclude(organization, grade=3, on=D(2018, 6, 1), actor=clerk_user)
    [reason] = refusal_of(organization, on=D(2023, 5, 31))
    assert gettext("Order No. 39 art. 6(2)") in reason and "2023-05-31" in reason
    new = conclude(organization, grade=5, on=D(2023, 6, 1), actor=clerk_user)
    assert old.status_on(D(2023, 6, 1)) == EvaluationStatus.EXPIRED
    assert new.status_on(D(2023, 6, 1)) == EvaluationStatus.VALID
    assert grade_on(organization, D(2023, 5, 31)) == 3 and grade_on(organization, D(2023, 6, 1)) == 5


def test_an_organization_registered_one_year_before_is_refused_with_the_date_it_becomes_eligible():
    organization = make_organization(registered_on=D(2023, 3, 1))
    [reason] = refusal_of(organization, on=D(2024, 3, 1))
    assert "2023-03-01" in reason and "2025-03-01" in reason


def test_two_years_of_registration_to_the_day_is_enough():
    organization = make_organization(registered_on=D(2022, 3, 1))
    assert refusal_of(organization, on=D(2024, 2, 29))
    assert conclude(organization, on=D(2024, 3, 1)).pk


def test_registered_on_29_february_is_eligible_on_28_february_two_years_later():
    organization = make_organization(registered_on=D(2020, 2, 29))
    assert refusal_of(organization, on=D(2022, 2, 27))
    assert conclude(organization, on=D(2022, 2, 28)).pk


@pytest.mark.parametrize("status", [OrgStatus.DEREGISTERED, OrgStatus.REVOKED])
def test_an_organization_that_is_no_longer_active_is_refused(status):
    organization = make_organization(registered_on=D(2015, 1, 1))
    Organization.objects.filter(pk=organization.pk).update(status=status, status_date=D(2023, 1, 1), status_reason="x")
    organization.refresh_from_db()
    [reason] = refusal_of(organization, on=D(2024, 3, 1))
    assert "2023-01-01" in reason
    # A rating concluded while it was still active may be recorded afterwards.
    assert conclude(organization, on=D(2022, 6, 1)).pk


def test_every_refusal_is_named_at_once():
    organization = make_organization(registered_on=D(2023, 1, 1))
    Organization.objects.filter(pk=organization.pk).update(
        status=OrgStatus.DEREGISTERED, status_date=D(2023, 6, 1), status_reason="x"
    )
    organization.refresh_from_db()
    assert len(refusal_of(organization, on=D(2024, 3, 1))) == 2


def test_grade_six_and_a_future_date_are_refused_with_the_field():
    organization = make_organization()
    with pytest.raises(ValidationError) as error:
        conclude(organization, grade=6)
    assert "grade" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        conclude(organization, on=D.today() + datetime.timedelta(days=5))
    assert "concluded_on" in error.value.message_dict


def test_a_district_system_rates_only_its_own_organizations():
    yinzhou = make_user(Role.DISTRICT, district="330212")
    own = make_organization(registered_by="330212")
    other = make_organization(registered_by="330203", registered_on=D(2023, 6, 1))  # also ineligible: 403 wins
    assert conclude(own, actor=yinzhou).pk
    with pytest.raises(WriteForbidden):
        conclude(other, actor=yinzhou)
    assert not Evaluation.objects.filter(organization=other).exists()


# Annual work reports and the serious-violation list.


def inspect(organization, year, result):
    if result == "not_filed":
        return make_annual_report(organization, year=year, result="", submitted_on=None)
    return make_annual_report(organization, year=year, result=result)


@pytest.mark.parametrize("result", [ReportResult.FAILED, "not_filed"])
def test_last_years_report_failed_or_not_filed_is_refused(result):

    organization = make_organization(registered_on=D(2015, 1, 1))
    inspect(organization, 2023, result)
    [reason] = refusal_of(organization, on=D(2024, 3, 1))
    assert "2023" in reason


def test_a_failure_two_years_ago_is_not_a_refusal():
    organization = make_organization(registered_on=D(2015, 1, 1))
    inspect(organization, 2022, ReportResult.FAILED)
    assert conclude(organization, on=D(2024, 3, 1)).pk


def test_a_year_without_a_report_record_counts_as_not_taken_part():
    organization = make_organization(registered_on=D(2015, 1, 1))
    inspect(organization, 2022, ReportResult.PASSED)
    with pytest.raises(ValidationError) as error:
        conclude(organization, on=D(2024, 3, 1), inspected=False)
    [reason] = error.value.message_dict["organization"]
    assert gettext("Order No. 39 art. 7(1)") in reason and "2023" in reason


def test_basically_passed_two_years_running_is_refused_but_once_is_not():

    twice = make_organization(registered_on=D(2015, 1, 1))
    inspect(twice, 2022, ReportResult.BASICALLY_PASSED)
    inspect(twice, 2023, ReportResult.BASICALLY_PASSED)
    [reason] = refusal_of(twice, on=D(2024, 3, 1))
    assert "2022" in reason and "2023" in reason
    once = make_organization(registered_on=D(2015, 1, 1))
    inspect(once, 2022, ReportResult.PASSED)
    inspect(once, 2023, ReportResult.BASICALLY_PASSED)
    assert conclude(once, on=D(2024, 3, 1)).pk


def test_an_organization_on_the_serious_violation_list_is_refused_until_removed():
    organization = make_organization(registered_on=D(2015, 1, 1))
    entry = make_credit_entry(organization, kind=CreditList.SERIOUS, listed_on=D(2023, 5, 1), reason="违法")
    [reason] = refusal_of(organization, on=D(2024, 3, 1))
    assert "2023-05-01" in reason
    credit_entry_remove(entry=entry, on=D(2024, 3, 1), reason="信用修复", actor=None)
    assert refusal_of(organization, on=D(2024, 2, 29))  # still listed the day before its removal
    assert conclude(organization, on=D(2024, 3, 1)).pk  # removed that day


def test_listed_on_the_day_of_the_conclusion_is_refused():
    organization = make_organization(registered_on=D(2015, 1, 1))
    make_credit_entry(organization, kind=CreditList.SERIOUS, listed_on=D(2024, 3, 1))
    assert refusal_of(organization, on=D(2024, 3, 1))
    assert conclude(organization, on=D(2024, 2, 29)).pk


def test_the_abnormal_activity_list_refuses_a_rating_too():
    organization = make_organization(registered_on=D(2015, 1, 1))
    make_credit_entry(organization, kind=CreditList.ABNORMAL, listed_on=D(2023, 5, 1), reason="未按时年报")
    [reason] = refusal_of(organization, on=D(2024, 3, 1))
    assert gettext("2021 national evaluation rules") in reason and "2023-05-01" in reason


def test_an_administrative_penalty_last_year_is_refused_naming_article_7_3():
    organization = make_organization(registered_on=D(2015, 1, 1))
    make_penalty(organization, decided_on=D(2022, 12, 31), kind=PenaltyKind.FINE, amount=Decimal("20000"))
    assert conclude(organization, on=D(2024, 3, 1)).pk  # 2022 is not last year for a rating of 2024
    other = make_organization(registered_on=D(2015, 1, 1))
    make_penalty(other, decided_on=D(2023, 7, 1), authority="宁波市民政局")
    [reason] = refusal_of(other, on=D(2024, 3, 1))
    assert gettext("Order No. 39 art. 7(3)") in reason and "2023-07-01" in reason and "宁波市民政局" in reason


def test_an_organization_under_investigation_is_refused_naming_article_7_4():
    organization = make_organization(
        registered_on=D(2015, 1, 1), under_investigation_since=D(2024, 1, 10), investigation_reason="公安机关立案侦查"
    )
    assert conclude(organization, on=D(2024, 1, 9)).pk
    other = make_organization(
        registered_on=D(2015, 1, 1), under_investigation_since=D(2024, 1, 10), investigation_reason="公安机关立案侦查"
    )
    [reason] = refusal_of(other, on=D(2024, 3, 1))
    assert gettext("Order No. 39 art. 7(4)") in reason and "公安机关立案侦查" in reason


def test_registered_less_than_two_years_names_article_6_1():
    [reason] = refusal_of(make_organization(registered_on=D(2023, 3, 1)), on=D(2024, 3, 1))
    assert gettext("Order No. 39 art. 6(1)") in reason


# Revocation.


def test_revocation_ends_the_grade_on_its_day(clerk_user):
    evaluation = make_evaluation(concluded_on=D(2024, 3, 1))
    revoked = services.evaluation_revoke(
        evaluation=evaluation,
        on=D(2025, 6, 1),
        reason="提供虚假材料",
        ground=RevocationGround.FALSE_MATERIALS,
        actor=clerk_user,
    )
    assert revoked.revoked_on == D(2025, 6, 1)
    assert revoked.revocation_ground == RevocationGround.FALSE_MATERIALS
    assert grade_on(evaluation.organization, D(2025, 5, 31)) == 5
    assert grade_on(evaluation.organization, D(2025, 6, 1)) is None
    assert revoked.status_on(D(2025, 6, 1)) == EvaluationStatus.REVOKED
    record = ChangeRecord.objects.filter(object_id=evaluation.pk, content_type__model="evaluation").first()
    assert record.message == "提供虚假材料" and record.changes["revoked_on"] == [None, "2025-06-01"]


def test_revocation_needs_a_reason_and_a_date_not_in_the_future(clerk_user):
    evaluation = make_evaluation(concluded_on=D(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.evaluation_revoke(evaluation=evaluation, on=D(2025, 1, 1), reason="  ", actor=clerk_user)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.evaluation_revoke(
            evaluation=evaluation, on=D.today() + datetime.timedelta(days=1), reason="x", actor=clerk_user
        )
    assert "date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.evaluation_revoke(evaluation=evaluation, on=D(2024, 2, 1), reason="x", actor=clerk_user)
    assert "date" in error.value.message_dict


def test_only_a_rating_in_force_on_the_date_can_be_revoked(clerk_user):
    organization = make_organization(registered_on=D(2010, 1, 1))
    old = make_evaluation(organization, grade=3, concluded_on=D(2018, 1, 1))
    make_evaluation(organization, grade=4, concluded_on=D(2020, 1, 1))
    lapsed = make_evaluation(grade=2, concluded_on=D(2015, 1, 1))
    cases = [
        (old, D(2021, 1, 1)),  # superseded by then
        (lapsed, D(2021, 1, 1)),  # lapsed on 2019-12-31
    ]
    for evaluation, day in cases:
        with pytest.raises(ValidationError) as error:
            services.evaluation_revoke(evaluation=evaluation, on=day, reason="x", actor=clerk_user)
        assert "status" in error.value.message_dict
    # Backdated: the older rating was still in force on 2019-06-01.
    assert services.evaluation_revoke(evaluation=old, on=D(2019, 6, 1), reason="x", actor=clerk_user).revoked_on
    with pytest.raises(ValidationError) as error:
        services.evaluation_revoke(evaluation=old, on=D(2019, 7, 1), reason="again", actor=clerk_user)
    assert "2019-06-01" in error.value.message_dict["status"][0]


def test_a_district_system_cannot_revoke_another_districts_rating():
    haishu = make_user(Role.DISTRICT, district="330203")
    evaluation = make_evaluation(make_organization(registered_by="330212"))
    with pytest.raises(WriteForbidden):
        services.evaluation_revoke(evaluation=evaluation, on=D(2025, 1, 1), reason="x", actor=haishu)
    evaluation.refresh_from_db()
    assert evaluation.revoked_on is None


# Downgrade.


def test_downgrade_revokes_and_concludes_a_lower_rating_that_keeps_the_validity(clerk_user):
    evaluation = make_evaluation(grade=5, concluded_on=D(2024, 3, 1))
    lower = services.evaluation_downgrade(
        evaluation=evaluation,
        on=D(2025, 9, 1),
        grade=3,
        reason="连续两年年检基本合格",
        ground=RevocationGround.BASICALLY_QUALIFIED_TWICE,
        actor=clerk_user,
    )
    evaluation.refresh_from_db()
    assert evaluation.revoked_on == D(2025, 9, 1)
    assert evaluation.revocation_ground == RevocationGround.BASICALLY_QUALIFIED_TWICE
    assert lower.grade == 3 and lower.concluded_on == D(2025, 9, 1) and lower.downgraded_from == evaluation
    assert lower.valid_until == D(2029, 2, 28)
    organization = evaluation.organization
    assert grade_on(organization, D(2025, 8, 31)) == 5
    assert grade_on(organization, D(2025, 9, 1)) == 3
    assert grade_on(organization, D(2029, 2, 28)) == 3
    assert grade_on(organization, D(2029, 3, 1)) is None


@pytest.mark.parametrize("grade", [5, 6])
def test_a_downgrade_must_lower_the_grade(clerk_user, grade):
    evaluation = make_evaluation(grade=5, concluded_on=D(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.evaluation_downgrade(
            evaluation=evaluation, on=D(2025, 1, 1), grade=grade, reason="x", actor=clerk_user
        )
    assert "grade" in error.value.message_dict
    evaluation.refresh_from_db()
    assert evaluation.revoked_on is None


def test_a_downgrade_of_a_revoked_rating_is_refused_and_changes_nothing(clerk_user):
    evaluation = make_evaluation(grade=5, concluded_on=D(2024, 3, 1))
    services.evaluation_revoke(evaluation=evaluation, on=D(2025, 1, 1), reason="x", actor=clerk_user)
    with pytest.raises(ValidationError):
        services.evaluation_downgrade(evaluation=evaluation, on=D(2025, 2, 1), grade=3, reason="y", actor=clerk_user)
    assert Evaluation.objects.filter(organization=evaluation.organization).count() == 1


def test_a_downgrade_is_not_refused_by_the_report_that_caused_it(clerk_user):

    evaluation = make_evaluation(grade=5, concluded_on=D(2024, 3, 1))
    inspect(evaluation.organization, 2024, ReportResult.FAILED)
    lower = services.evaluation_downgrade(
        evaluation=evaluation,
        on=D(2025, 6, 1),
        grade=2,
        reason="2024年度年检不合格",
        ground=RevocationGround.INSPECTION_FAILED_OR_MISSED,
        actor=clerk_user,
    )
    assert lower.grade == 2


# Reinstate.


def test_reinstate_undoes_a_revocation_recorded_in_error(clerk_user):
    evaluation = make_evaluation(concluded_on=D(2024, 3, 1))
    services.evaluation_revoke(evaluation=evaluation, on=D(2025, 1, 1), reason="误操作", actor=clerk_user)
    reinstated = services.evaluation_reinstate(evaluation=evaluation, reason="撤销决定系录入错误", actor=clerk_user)
    assert reinstated.revoked_on is None and reinstated.revocation_reason == "" and reinstated.revocation_ground == ""
    assert grade_on(evaluation.organization, D(2025, 6, 1)) == 5
    messages = list(
        ChangeRecord.objects.filter(object_id=evaluation.pk, content_type__model="evaluation").values_list(
            "message", flat=True
        )
    )
    assert messages[0] == "撤销决定系录入错误" and "误操作" in messages


def test_reinstate_refuses_a_rating_that_is_not_revoked_or_was_lowered(clerk_user):
    evaluation = make_evaluation(grade=5, concluded_on=D(2024, 3, 1))
    with pytest.raises(ValidationError):
        services.evaluation_reinstate(evaluation=evaluation, reason="x", actor=clerk_user)
    services.evaluation_downgrade(evaluation=evaluation, on=D(2025, 1, 1), grade=4, reason="x", actor=clerk_user)
    with pytest.raises(ValidationError) as error:
        services.evaluation_reinstate(evaluation=evaluation, reason="x", actor=clerk_user)
    assert "4A" in error.value.message_dict["status"][0]


def test_only_a_clerk_reinstates_whichever_door_the_call_comes_through():
    yinzhou = make_user(Role.DISTRICT, district="330212")
    evaluation = make_evaluation(make_organization(registered_by="330212"), concluded_on=D(2024, 3, 1))
    services.evaluation_revoke(evaluation=evaluation, on=D(2025, 1, 1), reason="x", actor=yinzhou)
    with pytest.raises(WriteForbidden):
        services.evaluation_reinstate(evaluation=evaluation, reason="y", actor=yinzhou)
    evaluation.refresh_from_db()
    assert evaluation.revoked_on == D(2025, 1, 1)


def test_only_a_clerk_reinstates_a_withdrawn_honour_and_the_history_keeps_both_steps(clerk_user):
    from ratings.models import Honour

    honour = Honour.objects.create(kind="provincial_brand", year=2021, organization=make_organization())
    services.honour_withdraw(honour=honour, on=D(2023, 6, 30), reason="撤销品牌称号", actor=clerk_user)
    with pytest.raises(ValidationError) as error:
        services.honour_withdraw(honour=honour, on=D(2023, 7, 1), reason="again", actor=clerk_user)
    assert "withdrawn_on" in error.value.message_dict
    auditor = make_user(Role.AUDITOR)
    with pytest.raises(WriteForbidden):
        services.honour_reinstate(honour=honour, reason="复核", actor=auditor)
    services.honour_reinstate(honour=honour, reason="误撤销", actor=clerk_user)
    honour.refresh_from_db()
    assert honour.withdrawn_on is None and honour.withdrawal_reason == ""
    steps = ChangeRecord.objects.filter(
        object_id=honour.pk, action=ChangeAction.UPDATE, changes__has_key="withdrawn_on"
    ).order_by("time", "id")
    assert [record.message for record in steps] == ["撤销品牌称号", "误撤销"]
