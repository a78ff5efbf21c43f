"""Township filing desks (镇街备案窗口, DESIGN §9): bound to one township, they file, change and cancel
the filings of that township only (403 elsewhere, never 404), read as the township's district does,
and write nothing else; in the admin they see the filings of their township only."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from core.access import principal_of
from core.choices import Role
from core.models import ChangeRecord
from registry.choices import FilingCategory, FilingStatus
from registry.models import CommunityOrganization, Organization
from tests.conftest import make_organization, make_user
from tests.registry.builders import make_community, make_filing

pytestmark = pytest.mark.django_db

XIAYING = "330212001"  # 下应街道, 鄞州区
OTHER_YINZHOU_TOWNSHIP = "330212002"
HAISHU_TOWNSHIP = "330203001"
FILINGS = "/api/v1/community-organizations/"


def desk_client(township: str = XIAYING) -> APIClient:
    out = io.StringIO()
    call_command("create_api_client", f"desk-{township}", "--role", "township", "--township", township, stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().splitlines()[-1]}")
    return client


def filing_body(township: str) -> dict:
    return {
        "name": "下应街道测试睦邻服务队",
        "township": township,
        "community": make_community(township).code,
        "category": FilingCategory.SERVICE,
        "filed_on": "2023-03-01",
        "contact_phone": "13912345678",
    }


def test_township_desk_files_a_filing_in_its_own_township():
    response = desk_client().post(FILINGS, filing_body(XIAYING), format="json")
    assert response.status_code == 201, response.content
    filing = CommunityOrganization.objects.get(pk=response.json()["id"])
    assert filing.township_id == XIAYING and filing.district_id == "330212"


@pytest.mark.parametrize("township", [OTHER_YINZHOU_TOWNSHIP, HAISHU_TOWNSHIP])
def test_township_desk_is_refused_a_filing_in_another_township(township):
    before = CommunityOrganization.objects.count()
    response = desk_client().post(FILINGS, filing_body(township), format="json")
    assert response.status_code == 403, response.content
    assert CommunityOrganization.objects.count() == before


def test_township_desk_cancels_its_own_filing():
    filing = make_filing(township=XIAYING)
    response = desk_client().post(
        f"{FILINGS}{filing.pk}/cancel/", {"date": "2023-05-01", "reason": "自行解散"}, format="json"
    )
    assert response.status_code == 200, response.content
    filing.refresh_from_db()
    assert filing.status == FilingStatus.CANCELLED


def test_township_desk_cannot_touch_a_filing_of_its_districts_other_township():
    filing = make_filing(township=OTHER_YINZHOU_TOWNSHIP)
    client = desk_client()
    records = ChangeRecord.objects.count()
    assert client.patch(f"{FILINGS}{filing.pk}/", {"member_count": 3}, format="json").status_code == 403
    cancel = client.post(f"{FILINGS}{filing.pk}/cancel/", {"date": "2023-05-01", "reason": "x"}, format="json")
    assert cancel.status_code == 403
    assert ChangeRecord.objects.count() == records


def test_township_desk_cannot_move_its_filing_to_another_township_of_its_district():
    filing = make_filing(township=XIAYING)
    community = make_community(OTHER_YINZHOU_TOWNSHIP)
    body = {"township": OTHER_YINZHOU_TOWNSHIP, "community": community.code}
    response = desk_client().patch(f"{FILINGS}{filing.pk}/", body, format="json")
    assert response.status_code == 403
    filing.refresh_from_db()
    assert filing.township_id == XIAYING


def test_township_desk_cannot_write_an_organization():
    organization = make_organization(registered_by_id="330212")
    client = desk_client()
    assert client.patch(f"/api/v1/organizations/{organization.pk}/", {"address": "x"}, format="json").status_code == 403
    body = {"uscc": organization.uscc, "name": "x", "org_type": "social_group", "registered_by": "330212"}
    assert client.post("/api/v1/organizations/", body, format="json").status_code == 403
    organization.refresh_from_db()
    assert organization.address != "x"
    assert Organization.objects.count() == 1


def test_township_desk_reads_its_districts_personal_data_and_masks_the_others():
    own = make_filing(township=OTHER_YINZHOU_TOWNSHIP, contact_phone="13912345678")
    other = make_filing(township=HAISHU_TOWNSHIP, contact_phone="13912345678")
    client = desk_client()
    assert client.get(f"{FILINGS}{own.pk}/").json()["contact_phone"] == "13912345678"
    assert client.get(f"{FILINGS}{other.pk}/").json()["contact_phone"] == "139****5678"


def test_a_township_desk_reads_no_change_history():
    assert desk_client().get("/api/v1/changes/").status_code == 403


def test_create_api_client_needs_a_current_township_for_the_township_role():
    with pytest.raises(CommandError):
        call_command("create_api_client", "desk-a", "--role", "township", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_api_client", "desk-b", "--role", "township", "--township", "330212", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_api_client", "desk-c", "--role", "district", "--township", XIAYING, stdout=io.StringIO())


def test_a_township_desk_principal_reads_as_its_district():
    principal = principal_of(make_user(Role.TOWNSHIP, township=XIAYING))
    assert (principal.role, principal.township, principal.district) == (Role.TOWNSHIP, XIAYING, "330212")
    assert principal.can_write and not principal.reads_history


# --- the admin ------------------------------------------------------------------------------------

ADMIN_FILINGS = "/admin/registry/communityorganization/"


@pytest.fixture
def desk_browser(client):
    client.force_login(make_user(Role.TOWNSHIP, township=XIAYING))
    return client


def test_township_desk_admin_shows_the_filings_module_only(desk_browser):
    index = desk_browser.get("/admin/")
    assert index.status_code == 200
    models = [model["object_name"] for app in index.context["app_list"] for model in app["models"]]
    assert models == ["CommunityOrganization"]
    assert desk_browser.get("/admin/registry/organization/").status_code == 403


def test_township_desk_admin_list_is_fixed_to_its_township(desk_browser):
    own = make_filing(township=XIAYING)
    other = make_filing(township=OTHER_YINZHOU_TOWNSHIP)
    redirect = desk_browser.get(ADMIN_FILINGS + f"?township={OTHER_YINZHOU_TOWNSHIP}")
    assert redirect.status_code == 302 and f"township={XIAYING}" in redirect["Location"]
    listing = desk_browser.get(redirect["Location"])
    shown = list(listing.context["cl"].result_list)
    assert own in shown and other not in shown
    assert desk_browser.get(f"{ADMIN_FILINGS}{other.pk}/change/").status_code == 403


def test_township_desk_admin_files_in_its_township_with_the_township_fixed(desk_browser):
    page = desk_browser.get(ADMIN_FILINGS + "add/")
    assert page.status_code == 200
    assert "township" not in page.context["adminform"].form.fields
    community = make_community(XIAYING)
    data = {
        "name": "下应街道测试书画社",
        "community": community.code,
        "category": FilingCategory.CULTURE_SPORTS,
        "filed_on": "2023-04-01",
        "member_count": 9,
        "active": "on",
        "_save": "1",
        **{f"honours-{key}": value for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()},
    }
    response = desk_browser.post(ADMIN_FILINGS + "add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    filing = CommunityOrganization.objects.get(name="下应街道测试书画社")
    assert filing.township_id == XIAYING


# --- township-level filings, without a community -------------------------------------------------


def township_level_body(**fields) -> dict:
    body = {"name": "下应街道测试志愿者联合会", "township": XIAYING, "category": FilingCategory.OTHER}
    return {**body, "filed_on": "2023-03-01", **fields}


def test_a_township_level_filing_without_a_community_needs_urban():
    response = desk_client().post(FILINGS, township_level_body(), format="json")
    assert response.status_code == 400
    assert "urban" in response.json()


def test_a_township_level_filing_is_filed_with_its_urban_flag_and_counted(clerk):
    from tests.conftest import api_client_for

    response = desk_client().post(FILINGS, township_level_body(urban=False, community=None), format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["community"], response.json()["urban"]) == (None, False)
    make_filing(township=XIAYING, urban=True)
    stats = api_client_for(clerk).get("/api/v1/stats/", {"as_of": "2023-06-15", "district": "330212"}).json()
    filings = stats["community_organizations"]
    assert (filings["total"], filings["urban"], filings["rural"], filings["township_level"]) == (2, 1, 1, 1)


def test_a_clerk_binds_an_admin_user_of_the_desk_group_to_its_township_in_the_admin(client):
    from core.models import AccessProfile

    desk_user = make_user(Role.TOWNSHIP)  # made by the superuser in 用户, group 镇街备案窗口, staff
    client.force_login(make_user(Role.CLERK))
    data = {"user": desk_user.pk, "district_code": "", "township_code": XIAYING, "description": "下应街道备案窗口"}
    response = client.post("/admin/core/accessprofile/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert AccessProfile.objects.get(user=desk_user).township_code == XIAYING
    desk = type(desk_user).objects.get(pk=desk_user.pk)
    assert principal_of(desk).township == XIAYING and principal_of(desk).can_write
