"""The same exports, bulk sync and imports on community organization filings, keyed by filing number."""

import io

import pytest

from core.choices import ChangeSource, Role
from core.models import ChangeRecord
from registry.models import CommunityOrganization
from tests.conftest import make_organization, make_user
from tests.exports.builders import content_of, read_csv
from tests.registry.builders import HAISHU_TOWNSHIP, YINZHOU_TOWNSHIP, make_community, make_filing

pytestmark = pytest.mark.django_db
URL = "/api/v1/community-organizations/"
IMPORT_URL = "/admin/registry/communityorganization/import/"


def filing_row(**fields) -> dict:
    community = fields.pop("community", None) or make_community(YINZHOU_TOWNSHIP)
    row = {
        "name": "下应街道批量同步测试队",
        "township": YINZHOU_TOWNSHIP,
        "community": community.code,
        "category": "service",
        "filed_on": "2022-04-01",
        "contact_phone": "13912345678",
    }
    row.update(fields)
    return row


def test_rows_without_a_number_are_new_filings_with_new_numbers(clerk_api):
    existing = make_filing(name="旧名称")
    full_width_number = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in existing.filing_number)
    rows = [filing_row(), {"filing_number": full_width_number, "name": "新名称"}, filing_row(name="另一队")]
    response = clerk_api.post(f"{URL}bulk/", rows, format="json")
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [result["action"] for result in results] == ["created", "updated", "created"]
    assert results[1]["id"] == existing.pk
    created = CommunityOrganization.objects.filter(pk__in=[results[0]["id"], results[2]["id"]])
    numbers = {filing.filing_number for filing in created}
    assert len(numbers) == 2 and all(number.startswith(f"{YINZHOU_TOWNSHIP}-2022-") for number in numbers)
    existing.refresh_from_db()
    assert existing.name == "新名称"
    assert ChangeRecord.objects.filter(source=ChangeSource.BULK).count() == 3


def test_a_district_may_not_sync_another_districts_filing(yinzhou_api):
    haishu = make_filing(township=HAISHU_TOWNSHIP, name="海曙的队")
    rows = [filing_row(), {"filing_number": haishu.filing_number, "name": "改名"}]
    response = yinzhou_api.post(f"{URL}bulk/", rows, format="json")
    assert response.status_code == 403
    assert [error["index"] for error in response.json()["errors"]] == [1]
    haishu.refresh_from_db()
    assert haishu.name == "海曙的队" and CommunityOrganization.objects.count() == 1


def test_a_bad_filing_row_writes_nothing(clerk_api):
    rows = [filing_row(), filing_row(community=make_community(HAISHU_TOWNSHIP))]  # community outside the township
    response = clerk_api.post(f"{URL}bulk/", rows, format="json")
    assert response.status_code == 400
    assert [error["index"] for error in response.json()["errors"]] == [1]
    assert "community" in response.json()["errors"][0]
    assert not CommunityOrganization.objects.exists()


def test_filings_export_with_masked_contact_phone_and_the_organizations_credit_code(haishu_api, clerk_api):
    organization = make_organization()
    make_filing(contact_phone="13912345678", registered_as=organization)
    count = haishu_api.get(URL).json()["count"]
    header, *rows = read_csv(haishu_api.get(URL, {"format": "csv"}))
    assert len(rows) == count == 1
    values = dict(zip(header, rows[0], strict=True))
    assert values["联系电话"] == "139****5678"
    assert organization.uscc in rows[0]  # the organization it registered as, by credit code, not id
    clerk_values = dict(zip(*read_csv(clerk_api.get(URL, {"format": "csv"})), strict=True))
    assert clerk_values["联系电话"] == "13912345678"


def test_filings_import_names_the_organization_by_credit_code(client):
    client.force_login(make_user(Role.CLERK))
    organization = make_organization()
    community = make_community(YINZHOU_TOWNSHIP)
    lines = [
        "名称,镇乡（街道）,社区（村）,类别,备案日期,registered_as",
        f"转登记的队,{YINZHOU_TOWNSHIP},{community.code},社区服务类,2022-04-01,{organization.uscc}",
        f"查无此组织,{YINZHOU_TOWNSHIP},{community.code},社区服务类,2022-04-01,51330212MJ9999999X",
    ]
    upload = io.BytesIO("\n".join(lines).encode("utf-8-sig"))
    upload.name = "filings.csv"
    response = client.post(IMPORT_URL, {"file": upload})
    report = response.context["report"]
    assert [(error.row, error.column, error.value) for error in report.errors] == [
        (3, "registered_as", "51330212MJ9999999X")
    ]
    assert not CommunityOrganization.objects.exists()

    upload = io.BytesIO("\n".join(lines[:2]).encode("utf-8-sig"))
    upload.name = "filings.csv"
    token = client.post(IMPORT_URL, {"file": upload}).context["token"]
    assert client.post(IMPORT_URL, {"token": token, "confirm": "1"}).status_code == 302
    assert CommunityOrganization.objects.get().registered_as == organization


def test_an_exported_filings_file_imports_back(client, clerk_api):
    client.force_login(make_user(Role.CLERK))
    make_filing(registered_as=make_organization())
    make_filing(township=HAISHU_TOWNSHIP)
    upload = io.BytesIO(content_of(clerk_api.get(URL, {"format": "xlsx"})))
    upload.name = "filings.xlsx"
    report = client.post(IMPORT_URL, {"file": upload}).context["report"]
    assert report.ok, report.errors
    assert (report.created, report.updated) == (0, 2)
