"""Personal data (DESIGN §3): shown in full to clerks, auditors and the district holding the record,
masked for other districts as 138****5678, in lists and details alike."""

import pytest

from core.services import mask_personal
from tests.conftest import make_organization

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/"


@pytest.mark.parametrize(
    "value, masked",
    [
        ("13812345678", "138****5678"),
        ("0574-87654321", "057****4321"),
        ("+86 138 1234 5678", "+86****5678"),
        ("87654321", "******21"),  # too short to keep seven characters and still hide four
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask(value, masked):
    assert mask_personal(value) == masked


def phone_in(response, organization_id):
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if "results" in body else [body]
    return next(row["phone"] for row in rows if row["id"] == organization_id)


@pytest.mark.parametrize("reader", ["clerk_api", "auditor_api", "yinzhou_api"])
def test_clerks_auditors_and_the_holding_district_see_the_phone_whole(request, reader):
    client = request.getfixturevalue(reader)
    organization = make_organization(registered_by_id="330212", phone="13812345678")
    assert phone_in(client.get(f"{URL}{organization.pk}/"), organization.pk) == "13812345678"
    assert phone_in(client.get(URL), organization.pk) == "13812345678"


def test_another_district_sees_the_phone_masked_in_detail_and_list(haishu_api):
    organization = make_organization(registered_by_id="330212", phone="13812345678")
    assert phone_in(haishu_api.get(f"{URL}{organization.pk}/"), organization.pk) == "138****5678"
    assert phone_in(haishu_api.get(URL), organization.pk) == "138****5678"


def test_a_district_sees_city_registered_phones_masked(yinzhou_api):
    organization = make_organization(registered_by_id="330200", phone="13812345678")
    assert phone_in(yinzhou_api.get(f"{URL}{organization.pk}/"), organization.pk) == "138****5678"


def test_masking_never_leaks_through_the_write_answer(haishu_api, clerk_api):
    """A refused write answers 403 without the record; a masked reader never gets the number back."""
    organization = make_organization(registered_by_id="330212", phone="13812345678")
    response = haishu_api.patch(f"{URL}{organization.pk}/", {"address": "x"}, format="json")
    assert response.status_code == 403 and "13812345678" not in response.content.decode()
