import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import ChangeRecord
from platforms.choices import AssessmentResult, PlatformGrade, PlatformKind, PlatformLevel
from platforms.models import Platform, PlatformFunding, PlatformRating
from tests.conftest import make_organization
from tests.platforms.builders import (
    CITY,
    HAISHU,
    NANMEN,
    XIAYING,
    YINZHOU,
    assess,
    fund,
    incubate,
    make_centre,
    make_platform,
    rate,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_township_platform_on_a_district_is_refused_naming_division():
    platform = Platform(
        name="错位平台",
        kind=PlatformKind.HUB,
        level=PlatformLevel.TOWNSHIP,
        division_id=YINZHOU,
        opened_on=D(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        platform.full_clean()
    assert "division" in error.value.message_dict


@pytest.mark.parametrize(
    ("level", "division"),
    [
        (PlatformLevel.DISTRICT, XIAYING),
        (PlatformLevel.CITY, YINZHOU),
        (PlatformLevel.DISTRICT, CITY),
    ],
)
def test_every_level_must_match_its_division(level, division):
    platform = Platform(name="x", kind=PlatformKind.SUPPORT, level=level, division_id=division, opened_on=D(2020, 1, 1))
    with pytest.raises(ValidationError) as error:
        platform.full_clean()
    assert "division" in error.value.message_dict


def test_a_historical_division_is_refused():
    platform = Platform(
        name="x", kind=PlatformKind.HUB, level=PlatformLevel.DISTRICT, division_id="330204", opened_on=D(2020, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        platform.full_clean()
    assert "330212" in str(error.value.message_dict["division"])


def test_closing_before_opening_is_refused_by_validation_and_by_the_database():
    platform = make_platform(opened_on=D(2020, 5, 1))
    platform.closed_on = D(2020, 4, 30)
    with pytest.raises(ValidationError) as error:
        platform.full_clean()
    assert "closed_on" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Platform.objects.filter(pk=platform.pk).update(closed_on=D(2020, 4, 30))


def test_a_platform_belongs_to_the_district_of_its_division():
    assert make_platform(XIAYING).jurisdiction_district() == YINZHOU
    assert make_platform(HAISHU).jurisdiction_district() == HAISHU
    assert make_platform(CITY).jurisdiction_district() is None


def test_open_from_opening_day_until_the_day_before_closing():
    platform = make_platform(opened_on=D(2020, 5, 1), closed_on=D(2022, 1, 1))
    assert not platform.is_open_on(D(2020, 4, 30))
    assert platform.is_open_on(D(2020, 5, 1))
    assert platform.is_open_on(D(2021, 12, 31))
    assert not platform.is_open_on(D(2022, 1, 1))


def test_same_name_twice_in_one_division_is_refused():
    make_platform(XIAYING, name="下应街道社会组织服务中心")
    with pytest.raises(ValidationError):
        make_platform(XIAYING, name="下应街道社会组织服务中心")
    make_platform(NANMEN, name="下应街道社会组织服务中心")


def test_creating_a_platform_writes_the_change_history():
    platform = make_platform()
    record = ChangeRecord.objects.get(object_id=platform.pk, content_type__model="platform")
    assert record.action == "create" and record.changes["division"] == [None, XIAYING]


def test_only_a_party_mass_service_centre_is_assessed_against_the_standard():
    platform = make_platform(party_service_centre=False)
    with pytest.raises(ValidationError) as error:
        assess(platform, D(2022, 6, 1))
    assert "platform" in error.value.message_dict


def test_an_assessment_cannot_precede_its_year():
    with pytest.raises(ValidationError) as error:
        assess(make_centre(), D(2021, 12, 1), year=2022)
    assert "assessed_on" in error.value.message_dict


def test_one_rating_per_platform_and_year():
    platform = make_platform()
    rate(platform, 2022, PlatformGrade.FOUR)
    with pytest.raises(ValidationError):
        rate(platform, 2022, PlatformGrade.FIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlatformRating.objects.create(platform=platform, year=2022, grade=PlatformGrade.THREE)


def test_rating_grade_outside_one_to_five_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PlatformRating.objects.create(platform=make_platform(), year=2022, grade=6)


def test_funding_amounts_are_exact_decimals_above_zero():
    platform = make_platform()
    funding = fund(platform, 2022, "6000000.01")
    funding.refresh_from_db()
    assert funding.amount == Decimal("6000000.01")
    for bad in ("-1.00", "0.00", "1.005"):
        with pytest.raises(ValidationError) as error:
            fund(make_platform(), 2022, bad)
        assert "amount" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        PlatformFunding.objects.create(platform=platform, year=2021, source="other", amount=Decimal("-5"))


def test_one_funding_record_per_platform_year_and_source():
    platform = make_platform()
    fund(platform, 2022, "100.00")
    with pytest.raises(ValidationError):
        fund(platform, 2022, "200.00")
    fund(platform, 2022, "200.00", source="district_budget")


def test_an_incubation_cannot_end_before_it_starts():
    with pytest.raises(ValidationError) as error:
        incubate(make_platform(), make_organization(), D(2021, 1, 1), D(2020, 1, 1))
    assert "incubated_until" in error.value.message_dict


def test_a_record_about_a_platform_marks_the_platform_updated():
    platform = make_centre()
    before = Platform.objects.get(pk=platform.pk).last_updated
    assessment = assess(platform, D(2022, 6, 1))
    after_assessment = Platform.objects.get(pk=platform.pk).last_updated
    assert after_assessment > before
    assessment.delete()
    assert Platform.objects.get(pk=platform.pk).last_updated > after_assessment


def test_records_about_a_platform_belong_to_its_district():
    platform = make_centre(NANMEN)
    assert assess(platform, D(2022, 6, 1), AssessmentResult.FAILED).jurisdiction_district() == HAISHU
    assert rate(platform, 2022, 3).jurisdiction_district() == HAISHU
    assert fund(platform, 2022, "1.00").jurisdiction_district() == HAISHU
