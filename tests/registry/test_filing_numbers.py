"""Filing numbers given by a district or a township desk: normalised, unique ignoring case,
in the registry's format naming the filing's own township and year, or in a desk's format naming its
year; anything else is refused, through the API, bulk sync and the admin alike.
See docs/decisions/0130-filing-number-formats.md."""

import pytest
from django.db import IntegrityError, transaction

from core.choices import Role
from registry.models import CommunityOrganization
from tests.conftest import make_user
from tests.registry.builders import HAISHU_TOWNSHIP, YINZHOU_TOWNSHIP, make_community, make_filing

pytestmark = pytest.mark.django_db
URL = "/api/v1/community-organizations/"
ADMIN_ADD = "/admin/registry/communityorganization/add/"


def payload(**fields) -> dict:
    data = {
        "name": "下应街道银龄互助会",
        "township": YINZHOU_TOWNSHIP,
        "community": make_community(YINZHOU_TOWNSHIP).code,
        "category": "service",
        "filed_on": "2023-04-10",
    }
    data.update(fields)
    return data


def legacy_filing(number: str) -> CommunityOrganization:
    """A filing stored before numbers were checked (its number written as it came)."""
    filing = make_filing()
    CommunityOrganization.objects.filter(pk=filing.pk).update(filing_number=number)
    filing.refresh_from_db()
    return filing


def test_a_number_in_the_registry_format_naming_another_township_is_400(clerk_api):
    response = clerk_api.post(URL, payload(filing_number=f"{HAISHU_TOWNSHIP}-2023-0901"), format="json")
    assert response.status_code == 400 and "filing_number" in response.json()
    assert not CommunityOrganization.objects.exists()


def test_a_number_in_the_registry_format_naming_another_year_is_400(clerk_api):
    response = clerk_api.post(URL, payload(filing_number=f"{YINZHOU_TOWNSHIP}-2022-0901"), format="json")
    assert response.status_code == 400 and "filing_number" in response.json()


def test_a_number_naming_the_filings_own_township_and_year_is_kept(clerk_api):
    response = clerk_api.post(URL, payload(filing_number=f" {YINZHOU_TOWNSHIP}-2023-０９０１ "), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["filing_number"] == f"{YINZHOU_TOWNSHIP}-2023-0901"


@pytest.mark.parametrize("number", ["ANY-FREE-TEXT", "330212001-26-1", "330212001-2023-0000", "备字", "rt-dup-1"])
def test_free_text_is_400(clerk_api, number):
    response = clerk_api.post(URL, payload(filing_number=number), format="json")
    assert response.status_code == 400 and "filing_number" in response.json()


def test_a_township_desks_number_is_kept_with_its_brackets_written_one_way(clerk_api):
    response = clerk_api.post(URL, payload(filing_number="鄞下应备字【２０２３】第０１２号"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["filing_number"] == "鄞下应备字〔2023〕第012号"
    again = clerk_api.post(URL, payload(filing_number="鄞下应备字[2023]第012号"), format="json")
    assert again.status_code == 400 and "filing_number" in again.json()


def test_a_township_desks_number_naming_another_year_is_400(clerk_api):
    response = clerk_api.post(URL, payload(filing_number="鄞下应备字〔2022〕1号"), format="json")
    assert response.status_code == 400 and "filing_number" in response.json()


def test_numbers_differing_only_in_case_cannot_both_be_stored():
    legacy_filing("RT-DUP-1")
    other = make_filing()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommunityOrganization.objects.filter(pk=other.pk).update(filing_number="rt-dup-1")


def test_a_stored_number_given_in_other_case_is_that_filing(clerk_api):
    legacy = legacy_filing("RT-DUP-1")
    response = clerk_api.post(URL, payload(filing_number="rt-dup-1"), format="json")
    assert response.status_code == 400 and "filing_number" in response.json()
    synced = clerk_api.post(f"{URL}bulk/", [{"filing_number": "ｒｔ-dup-1 ", "name": "改名"}], format="json")
    assert synced.status_code == 200, synced.json()
    assert synced.json()["results"] == [{"index": 0, "id": legacy.pk, "action": "updated"}]
    assert CommunityOrganization.objects.count() == 1


def test_bulk_refuses_free_text_and_another_townships_number_and_writes_nothing(clerk_api):
    rows = [
        payload(),
        payload(filing_number="ANY-FREE-TEXT"),
        payload(filing_number=f"{HAISHU_TOWNSHIP}-2023-0901"),
    ]
    response = clerk_api.post(f"{URL}bulk/", rows, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["index"] for error in errors] == [1, 2] and all("filing_number" in error for error in errors)
    assert not CommunityOrganization.objects.exists()


def test_the_admin_refuses_free_text_and_another_townships_number(client):
    client.force_login(make_user(Role.CLERK))
    community = make_community(YINZHOU_TOWNSHIP)
    form = {
        "name": "下应村文艺队",
        "township": YINZHOU_TOWNSHIP,
        "community": community.code,
        "category": "culture_sports",
        "field": "",
        "filed_on": "2023-03-03",
        "member_count": "15",
        "active": "on",
    }
    for number in ["ANY-FREE-TEXT", f"{HAISHU_TOWNSHIP}-2023-0901"]:
        response = client.post(ADMIN_ADD, {**form, "filing_number": number})
        assert response.status_code == 200 and response.context["adminform"].form.errors["filing_number"]
    assert not CommunityOrganization.objects.exists()
    response = client.post(ADMIN_ADD, {**form, "filing_number": f"{YINZHOU_TOWNSHIP}-2023-0007"})
    assert response.status_code == 302
    assert CommunityOrganization.objects.get().filing_number == f"{YINZHOU_TOWNSHIP}-2023-0007"


def test_the_migration_stores_numbers_as_new_ones_are_stored():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("registry.migrations.0005_filing_number_unique_ignoring_case")
    legacy = legacy_filing(" rt-ｌｅｇａｃｙ-7 ")
    desk = legacy_filing("鄞下应备字[2019]3号")
    migration.store_numbers_normalised(apps, None)
    legacy.refresh_from_db()
    desk.refresh_from_db()
    assert (legacy.filing_number, desk.filing_number) == ("RT-LEGACY-7", "鄞下应备字〔2019〕3号")
