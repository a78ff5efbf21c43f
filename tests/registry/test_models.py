import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from registry.choices import OrgType, RegistrationLevel
from registry.models import CommunityOrganization, Division, Organization
from registry.validators import (
    check_uscc_form,
    normalise_uscc,
    organization_code_check,
    uscc_with_check,
    uscc_with_checks,
)
from tests.conftest import make_organization, make_uscc

pytestmark = pytest.mark.django_db


def build(**fields) -> Organization:
    values = {
        "uscc": make_uscc(OrgType.SOCIAL_GROUP, "330212"),
        "name": "宁波市测试协会",
        "org_type": OrgType.SOCIAL_GROUP,
        "registered_by_id": "330212",
        "registered_on": datetime.date(2020, 5, 1),
    }
    values.update(fields)
    return Organization(**values)


def uscc_errors(organization: Organization) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        organization.full_clean()
    return caught.value.message_dict["uscc"]


def test_valid_code_is_accepted_and_level_follows_registering_authority():
    organization = build()
    organization.full_clean()
    organization.save()
    assert organization.registration_level == RegistrationLevel.DISTRICT
    assert organization.domicile_id == "330212"
    city = make_organization(registered_by_id="330200")
    assert city.registration_level == RegistrationLevel.CITY
    assert city.jurisdiction_district() is None


def test_wrong_check_character_is_refused_naming_position_18():
    code = make_uscc(OrgType.SOCIAL_GROUP, "330212")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert "18" in uscc_errors(build(uscc=wrong))[0]


def test_non_civil_affairs_authority_is_refused():
    code = uscc_with_checks("91330212MJ000001")
    assert "5" in uscc_errors(build(uscc=code))[0]


def test_category_nine_is_refused():
    code = uscc_with_checks("59330212MJ000001")
    assert "Position 2" in uscc_errors(build(uscc=code))[0] or "第2位" in uscc_errors(build(uscc=code))[0]


def test_category_that_contradicts_the_type_is_refused():
    code = make_uscc(OrgType.FOUNDATION, "330212")
    messages = uscc_errors(build(uscc=code, org_type=OrgType.SOCIAL_GROUP))
    assert "3" in messages[0]


def test_unknown_division_segment_is_refused():
    code = uscc_with_checks("51110000MJ000001")
    assert "110000" in uscc_errors(build(uscc=code))[0]


def test_township_code_prefix_is_not_a_division_segment():
    code = uscc_with_checks("51330299MJ000001")
    assert "330299" in uscc_errors(build(uscc=code))[0]


def test_historical_division_segment_is_accepted():
    organization = build(uscc=make_uscc(OrgType.SOCIAL_GROUP, "330204"), registered_by_id="330212")
    organization.full_clean()
    organization.save()
    assert Division.objects.get(code="330204").current.code == "330212"


def test_historical_registering_authority_is_refused():
    with pytest.raises(ValidationError) as caught:
        build(registered_by_id="330204").full_clean()
    assert "330212" in caught.value.message_dict["registered_by"][0]


def test_full_width_lower_case_code_is_normalised():
    code = make_uscc(OrgType.SOCIAL_SERVICE, "330203")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.lower()[:10]) + " " + code.lower()[10:]
    assert normalise_uscc(full_width) == code
    organization = build(uscc=full_width, org_type=OrgType.SOCIAL_SERVICE, registered_by_id="330203")
    organization.full_clean()
    organization.save()
    assert Organization.objects.get(pk=organization.pk).uscc == code


def test_names_are_nfkc_normalised():
    organization = make_organization(name="（宁波）ＡＢＣ协会")
    assert organization.name == "(宁波)ABC协会"


def test_duplicate_code_is_a_validation_error():
    first = make_organization()
    with pytest.raises(ValidationError) as caught:
        build(uscc=first.uscc).full_clean()
    assert "uscc" in caught.value.message_dict or "__all__" in caught.value.message_dict


@pytest.mark.parametrize("length", [17, 19])
def test_wrong_length_is_refused(length):
    with pytest.raises(ValidationError):
        check_uscc_form("5" * length)


def test_letters_outside_the_alphabet_are_refused():
    with pytest.raises(ValidationError) as caught:
        check_uscc_form("51330212MJ000000I1")
    assert "I" in caught.value.messages[0]


@pytest.mark.parametrize("model", [Organization, CommunityOrganization])
def test_field_of_activity_reads_as_a_field_of_activity_in_chinese(model):
    """Not 字段 (a database field), which the same English word means in the change history."""
    with translation.override("zh-hans"):
        assert str(model._meta.get_field("field").verbose_name) == "领域"
        assert str(gettext("field")) == "字段"


@pytest.mark.django_db
@pytest.mark.parametrize("org_type", [OrgType.SOCIAL_GROUP, OrgType.SOCIAL_SERVICE])
def test_only_a_foundation_can_be_a_community_development_foundation(org_type):
    with pytest.raises(ValidationError) as error:
        make_organization(org_type=org_type, is_community_foundation=True)
    assert "is_community_foundation" in error.value.message_dict
    make_organization(org_type=OrgType.FOUNDATION, is_community_foundation=True)


@pytest.mark.django_db
def test_database_refuses_a_community_development_foundation_of_another_type():
    organization = make_organization(org_type=OrgType.SOCIAL_GROUP)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(is_community_foundation=True)


def test_wrong_organization_code_check_character_is_refused_naming_position_17():
    code = make_uscc(OrgType.SOCIAL_GROUP, "330212")
    wrong17 = "1" if code[16] != "1" else "2"
    wrong = uscc_with_check(code[:16] + wrong17)  # position 18 computed over the wrong position 17
    with pytest.raises(ValidationError) as error:
        check_uscc_form(wrong)
    assert error.value.code == "uscc_organization_check" and "17" in error.value.messages[0]


@pytest.mark.parametrize(
    ("body", "check"),
    [("71526726", "X"), ("71610585", "2"), ("00000000", "0"), ("MJ000001", organization_code_check("MJ000001"))],
)
def test_organization_code_check_character_follows_gb_11714(body, check):
    assert organization_code_check(body) == check


def test_a_letter_in_the_organization_code_counts_from_ten():
    # M = 22, J = 19: 22·3 + 19·7 = 199; 199 mod 11 = 1; 11 − 1 = 10, written X.
    assert organization_code_check("MJ000000") == "X"


@pytest.mark.django_db
def test_public_fundraising_needs_a_recognised_charity_from_its_recognition_on():
    with pytest.raises(ValidationError) as error:
        make_organization(public_fundraising_since=datetime.date(2022, 1, 1))
    assert "public_fundraising_since" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_organization(
            charity_recognized_on=datetime.date(2022, 1, 2), public_fundraising_since=datetime.date(2022, 1, 1)
        )
    charity = make_organization(
        charity_recognized_on=datetime.date(2021, 1, 1), public_fundraising_since=datetime.date(2023, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=charity.pk).update(charity_recognized_on=None)
