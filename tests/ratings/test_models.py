"""The rating itself: its validity period, its status on any day, and the rules the database holds."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from ratings.choices import EvaluationStatus, HonourKind, HundredBestList
from ratings.models import Evaluation, Honour, add_years, validity_end
from tests.conftest import make_organization
from tests.ratings.builders import make_evaluation
from tests.registry.builders import HAISHU_TOWNSHIP, make_filing

pytestmark = pytest.mark.date_sensitive
D = datetime.date


@pytest.mark.parametrize(
    ("concluded", "valid_until"),
    [
        (D(2024, 3, 1), D(2029, 2, 28)),  # DESIGN §2's example
        (D(2021, 3, 1), D(2026, 2, 28)),
        (D(2023, 3, 1), D(2028, 2, 29)),  # the day before 1 March of a leap year
        (D(2024, 2, 29), D(2029, 2, 27)),  # anniversary of 29 February in a common year is 28 February
        (D(2024, 2, 28), D(2029, 2, 27)),
        (D(2020, 1, 1), D(2024, 12, 31)),
        (D(2022, 12, 31), D(2027, 12, 30)),
    ],
)
def test_valid_until_is_the_day_before_the_fifth_anniversary(concluded, valid_until):
    assert validity_end(concluded) == valid_until


def test_twenty_ninth_of_february_anniversary_is_the_last_day_of_february():
    assert add_years(D(2024, 2, 29), 5) == D(2029, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert add_years(D(2024, 2, 29), 2) == D(2026, 2, 28)


@pytest.mark.django_db
def test_valid_until_is_computed_on_save_and_not_taken_from_input():
    evaluation = make_evaluation(concluded_on=D(2024, 3, 1), valid_until=D(2099, 1, 1))
    evaluation.refresh_from_db()
    assert evaluation.valid_until == D(2029, 2, 28)


@pytest.mark.django_db
def test_a_rating_counts_on_its_valid_until_and_not_the_day_after():
    evaluation = make_evaluation(concluded_on=D(2021, 3, 1))
    assert evaluation.status_on(D(2021, 2, 28)) is None
    assert evaluation.status_on(D(2021, 3, 1)) == EvaluationStatus.VALID
    assert evaluation.status_on(D(2026, 2, 28)) == EvaluationStatus.VALID
    assert evaluation.status_on(D(2026, 3, 1)) == EvaluationStatus.EXPIRED
    assert evaluation.status == EvaluationStatus.EXPIRED  # today, 2026-03-01 or later


@pytest.mark.django_db
def test_status_precedence_revoked_superseded_expired():
    organization = make_organization()
    old = make_evaluation(organization, grade=3, concluded_on=D(2016, 5, 1))  # valid until 2021-04-30
    new = make_evaluation(organization, grade=4, concluded_on=D(2019, 5, 1))
    early = make_evaluation(organization, grade=2, concluded_on=D(2011, 1, 1))  # lapsed 2015-12-31, before `old`
    replaced = make_evaluation(make_organization(), grade=2, concluded_on=D(2012, 1, 1))
    assert old.status_on(D(2019, 4, 30)) == EvaluationStatus.VALID
    assert old.status_on(D(2019, 5, 1)) == EvaluationStatus.SUPERSEDED
    assert old.status_on(D(2030, 1, 1)) == EvaluationStatus.SUPERSEDED
    assert early.status_on(D(2017, 1, 1)) == EvaluationStatus.EXPIRED  # it lapsed; nothing replaced it
    make_evaluation(replaced.organization, grade=3, concluded_on=D(2016, 5, 1))
    assert replaced.status_on(D(2017, 1, 1)) == EvaluationStatus.SUPERSEDED  # replaced while still valid
    Evaluation.objects.filter(pk=new.pk).update(revoked_on=D(2020, 1, 1), revocation_reason="x")
    new.refresh_from_db()
    assert new.status_on(D(2019, 12, 31)) == EvaluationStatus.VALID
    assert new.status_on(D(2020, 1, 1)) == EvaluationStatus.REVOKED
    # A revoked newest rating does not bring back the older one.
    assert old.status_on(D(2020, 6, 1)) == EvaluationStatus.SUPERSEDED


@pytest.mark.django_db
def test_annotated_status_agrees_with_status_on_for_every_day_of_a_history():
    organization = make_organization()
    make_evaluation(organization, grade=2, concluded_on=D(2012, 1, 1))
    make_evaluation(organization, grade=3, concluded_on=D(2016, 5, 1))
    revoked = make_evaluation(organization, grade=4, concluded_on=D(2019, 5, 1))
    Evaluation.objects.filter(pk=revoked.pk).update(revoked_on=D(2020, 1, 1), revocation_reason="x")
    make_evaluation(organization, grade=5, concluded_on=D(2022, 7, 1))
    days = [
        D(2011, 12, 31),
        D(2012, 1, 1),
        D(2016, 4, 30),
        D(2016, 5, 1),
        D(2016, 12, 31),
        D(2017, 1, 1),
        D(2019, 4, 30),
        D(2019, 5, 1),
        D(2019, 12, 31),
        D(2020, 1, 1),
        D(2021, 4, 30),
        D(2021, 5, 1),
        D(2022, 7, 1),
        D(2027, 6, 30),
        D(2027, 7, 1),
    ]
    for day in days:
        annotated = dict(Evaluation.objects.with_status(day).values_list("pk", "status"))
        for evaluation in Evaluation.objects.all():
            assert annotated[evaluation.pk] == evaluation.status_on(day), (day, evaluation)
        in_force = set(Evaluation.objects.valid_on(day).values_list("pk", flat=True))
        assert in_force == {pk for pk, status in annotated.items() if status == EvaluationStatus.VALID}, day


@pytest.mark.django_db
def test_grade_outside_one_to_five_is_refused_by_validation_and_by_the_database():
    with pytest.raises(ValidationError) as error:
        make_evaluation(grade=6)
    assert "grade" in error.value.message_dict
    evaluation = make_evaluation(grade=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.filter(pk=evaluation.pk).update(grade=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.filter(pk=evaluation.pk).update(grade=0)


@pytest.mark.django_db
def test_negative_score_is_refused():
    with pytest.raises(ValidationError) as error:
        make_evaluation(score=Decimal("-0.01"))
    assert gettext("The score may not be negative.") in error.value.messages


@pytest.mark.django_db
def test_score_is_on_the_rounds_scale_of_1000_by_default():
    evaluation = make_evaluation(score=Decimal("950"))
    evaluation.refresh_from_db()
    assert (evaluation.score, evaluation.max_score) == (Decimal("950.00"), 1000)


@pytest.mark.django_db
def test_score_with_bonus_points_above_full_marks_is_accepted():
    for score in (Decimal("0"), Decimal("1000"), Decimal("1030.50"), None):
        make_evaluation(score=score)


@pytest.mark.django_db
def test_full_marks_of_zero_are_refused():
    with pytest.raises(ValidationError) as error:
        make_evaluation(score=Decimal("90"), max_score=0)
    assert gettext("The full marks must be above zero.") in error.value.messages


@pytest.mark.django_db
def test_two_ratings_of_one_organization_on_one_day_are_refused():
    first = make_evaluation(grade=3)
    with pytest.raises(ValidationError):
        make_evaluation(first.organization, grade=4, concluded_on=first.concluded_on)


@pytest.mark.django_db
def test_a_revocation_needs_a_date_within_validity_and_a_reason_in_the_database():
    evaluation = make_evaluation(concluded_on=D(2024, 3, 1))
    for change in (
        {"revoked_on": D(2024, 5, 1)},  # no reason
        {"revoked_on": D(2024, 2, 1), "revocation_reason": "x"},  # before the conclusion
        {"revoked_on": D(2029, 3, 1), "revocation_reason": "x"},  # after it lapsed
        {"revocation_reason": "x"},  # a reason without a date
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Evaluation.objects.filter(pk=evaluation.pk).update(**change)


@pytest.mark.django_db
def test_future_conclusion_is_refused():
    with pytest.raises(ValidationError) as error:
        make_evaluation(concluded_on=D.today() + datetime.timedelta(days=2))
    assert "concluded_on" in error.value.message_dict


@pytest.mark.django_db
def test_rating_belongs_to_the_district_of_its_organization():
    assert make_evaluation(make_organization(registered_by="330203")).jurisdiction_district() == "330203"
    assert make_evaluation(make_organization(registered_by="330200")).jurisdiction_district() is None


def _honour(**fields):
    honour = Honour(**{"kind": HonourKind.NATIONAL_ADVANCED, "year": 2021, **fields})
    honour.full_clean()
    honour.save()
    return honour


@pytest.mark.django_db
def test_honour_issuing_body_defaults_by_kind():
    assert _honour(organization=make_organization()).issuing_body == "民政部"
    leader = _honour(kind=HonourKind.PROVINCIAL_LEADER, organization=make_organization(), person_name="王五")
    assert leader.issuing_body == "浙江省民政厅"
    assert _honour(kind=HonourKind.ROLE_MODEL, person_name="钱海军", year=2021).issuing_body == "中共中央宣传部"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"kind": HonourKind.NATIONAL_ADVANCED},  # no organization
        {"kind": HonourKind.PROVINCIAL_BRAND, "person_name": "张三"},  # a person, not an organization
        {"kind": HonourKind.PROVINCIAL_LEADER, "person_name": "张三"},  # a leader without the organization
        {"kind": HonourKind.PROVINCIAL_LEADER, "with_organization": True},  # a leader without a name
        {"kind": HonourKind.ROLE_MODEL},  # nobody
        {"kind": HonourKind.NATIONAL_ADVANCED, "with_organization": True, "year": 1900},
    ],
)
def test_honour_names_the_recipient_its_kind_requires(fields):
    fields = dict(fields)
    if fields.pop("with_organization", False):
        fields["organization"] = make_organization()
    with pytest.raises(ValidationError):
        _honour(**fields)


@pytest.mark.django_db
def test_honour_in_a_future_year_is_refused():
    with pytest.raises(ValidationError) as error:
        _honour(organization=make_organization(), year=D.today().year + 1)
    assert "year" in error.value.message_dict


@pytest.mark.django_db
def test_three_hundred_best_honours_a_community_organization_filing():
    filing = make_filing(township=HAISHU_TOWNSHIP)
    honour = _honour(
        kind=HonourKind.CITY_THREE_HUNDRED_BEST,
        community_organization=filing,
        title="百佳社区社会组织",
        hundred_best_list=HundredBestList.ORGANIZATION,
    )
    assert honour.issuing_body == "宁波市民政局"
    assert honour.jurisdiction_district() == "330203"
    assert filing.name in str(honour)
    leader = _honour(
        kind=HonourKind.CITY_THREE_HUNDRED_BEST,
        community_organization=filing,
        person_name="赵六",
        title="百佳领头人",
        hundred_best_list=HundredBestList.LEADER,
    )
    assert leader.pk
    # Or the organization a filing registered as.
    assert _honour(
        kind=HonourKind.CITY_THREE_HUNDRED_BEST,
        organization=make_organization(),
        hundred_best_list=HundredBestList.CASE,
    ).pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind", [HonourKind.CITY_THREE_HUNDRED_BEST, HonourKind.NATIONAL_ADVANCED, HonourKind.ROLE_MODEL]
)
def test_only_three_hundred_best_names_a_filing_and_it_needs_a_community_organization(kind):
    filing = make_filing()
    if kind == HonourKind.CITY_THREE_HUNDRED_BEST:
        with pytest.raises(ValidationError):  # a person alone is not a community organization
            _honour(kind=kind, person_name="赵六", hundred_best_list=HundredBestList.LEADER)
    else:
        with pytest.raises(ValidationError):
            _honour(kind=kind, community_organization=filing, person_name="赵六", organization=make_organization())


@pytest.mark.django_db
def test_the_same_honour_twice_for_one_filing_is_refused():
    filing = make_filing()
    best = {"kind": HonourKind.CITY_THREE_HUNDRED_BEST, "hundred_best_list": HundredBestList.ORGANIZATION}
    _honour(**best, community_organization=filing, year=2022)
    with pytest.raises(ValidationError):
        _honour(**best, community_organization=filing, year=2022)


@pytest.mark.django_db
def test_a_three_hundred_best_honour_says_which_of_the_three_lists():
    """ "三个百佳" is three lists: 百佳社区社会组织, 百佳负责人, 百佳优秀工作案例."""
    filing = make_filing()
    with pytest.raises(ValidationError) as refused:
        _honour(kind=HonourKind.CITY_THREE_HUNDRED_BEST, community_organization=filing, year=2022)
    assert "hundred_best_list" in refused.value.message_dict
    for choice in HundredBestList:
        honour = _honour(
            kind=HonourKind.CITY_THREE_HUNDRED_BEST,
            community_organization=filing,
            year=2022,
            title=choice.label,
            hundred_best_list=choice,
        )
        assert honour.get_hundred_best_list_display() == choice.label
    with pytest.raises(ValidationError):
        _honour(organization=make_organization(), hundred_best_list=HundredBestList.CASE)


@pytest.mark.django_db
def test_the_migration_puts_recorded_three_hundred_best_honours_on_a_list():
    migration = importlib.import_module("ratings.migrations.0004_three_hundred_best_lists")
    filing = make_filing()
    best = {"kind": HonourKind.CITY_THREE_HUNDRED_BEST, "year": 2022, "community_organization": filing}
    organization = Honour.objects.create(**best, title="百佳社区社会组织")
    leader = Honour.objects.create(**best, title="百佳负责人", person_name="赵六")
    case = Honour.objects.create(**best, title="百佳优秀工作案例")
    brand = Honour.objects.create(kind=HonourKind.PROVINCIAL_BRAND, year=2021, organization=make_organization())
    migration.fill_lists(apps, None)
    lists = dict(Honour.objects.values_list("pk", "hundred_best_list"))
    assert [lists[organization.pk], lists[leader.pk], lists[case.pk], lists[brand.pk]] == [
        "organization",
        "leader",
        "case",
        "",
    ]
    assert Honour.objects.get(pk=leader.pk).person_name == "赵六"
