"""Export manifests (DESIGN §12): every export is logged with its rows and the SHA-256 of the bytes sent,
the response names the log entry (`X-Export-Id`), `export-log/{id}/` shows it, and the same export of
a past day gives the same bytes again."""

import datetime
import hashlib
import zipfile
from io import BytesIO

import pytest
import time_machine

from core.choices import Role
from core.exports.views import manifested
from core.models import ExportLog
from tests.conftest import api_client_for, make_organization, make_user
from tests.core.test_as_of import D1, D2, at
from tests.exports.builders import content_of

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-06-01")]
URL = "/api/v1/organizations/"


@pytest.fixture
def history():
    with at(D1 - datetime.timedelta(days=30)):
        organization = make_organization(name="宁波老名字协会", registered_by_id="330212")
        make_organization(name="=HYPERLINK(1)", registered_by_id="330203")
    with at(D2):
        organization.name = "宁波新名字协会"
        organization.save()
    return organization


def export(client, file_format: str, **params):
    response = client.get(URL, {"format": file_format, **params})
    assert response.status_code == 200, response.content[:300]
    body = content_of(response)
    return response, body


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_two_identical_exports_of_a_past_day_have_the_same_sha256_and_the_log_holds_it(clerk_api, history, file_format):
    first, body = export(clerk_api, file_format, as_of=D1.isoformat(), district="330212")
    with time_machine.travel(datetime.datetime(2026, 6, 1, 15, 30, 7, tzinfo=datetime.UTC), tick=False):
        second, again = export(clerk_api, file_format, as_of=D1.isoformat(), district="330212")
    assert body == again
    digest = hashlib.sha256(body).hexdigest()
    log = clerk_api.get(f"/api/v1/export-log/{first['X-Export-Id']}/").json()
    assert log["sha256"] == digest
    assert log["row_count"] == 1
    assert log["as_of"] == D1.isoformat()
    assert log["filters"] == {"as_of": D1.isoformat(), "district": "330212"}
    assert log["file_format"] == file_format
    assert log["request_id"]
    assert log["user"]
    assert ExportLog.objects.get(pk=second["X-Export-Id"]).sha256 == digest
    assert first["X-Export-Id"] != second["X-Export-Id"]


def test_an_export_of_another_day_has_another_digest(clerk_api, history):
    _, past = export(clerk_api, "csv", as_of=D1.isoformat())
    _, later = export(clerk_api, "csv", as_of=D2.isoformat())
    assert past != later
    assert "宁波老名字协会".encode() in past and "宁波新名字协会".encode() in later


def test_the_xlsx_members_are_dated_the_day_of_as_of(clerk_api, history):
    _, body = export(clerk_api, "xlsx", as_of=D1.isoformat())
    dates = {member.date_time for member in zipfile.ZipFile(BytesIO(body)).infolist()}
    assert dates == {(D1.year, D1.month, D1.day, 0, 0, 0)}


def test_a_download_broken_off_leaves_no_digest():
    log = ExportLog.record(resource="organizations", file_format="csv", filters={}, row_count=2)
    stream = manifested(iter([b"a,b\n", b"c,d\n"]), log, lambda: 2)
    next(stream)
    stream.close()  # the client went away
    assert ExportLog.objects.get(pk=log.pk).sha256 == ""
    finished = manifested(iter([b"a,b\n", b"c,d\n"]), log, lambda: 2)
    assert b"".join(finished) == b"a,b\nc,d\n"
    assert ExportLog.objects.get(pk=log.pk).sha256 == hashlib.sha256(b"a,b\nc,d\n").hexdigest()


def test_the_statistics_export_is_logged_with_its_digest(clerk_api):
    response = clerk_api.get("/api/v1/stats/", {"format": "csv", "as_of": "2023-06-15"})
    body = content_of(response)
    log = ExportLog.objects.get(pk=response["X-Export-Id"])
    assert log.sha256 == hashlib.sha256(body).hexdigest()
    assert log.as_of == datetime.date(2023, 6, 15)


@pytest.mark.parametrize("role", [Role.DISTRICT, Role.AUDITOR, Role.CLERK])
def test_whoever_exported_reads_the_log_entry(role, history):
    client = api_client_for(make_user(role, district="330212" if role == Role.DISTRICT else None))
    response, body = export(client, "csv", as_of=D1.isoformat())
    entry = client.get(f"/api/v1/export-log/{response['X-Export-Id']}/")
    assert entry.status_code == 200
    assert entry.json()["sha256"] == hashlib.sha256(body).hexdigest()
    assert [row["id"] for row in client.get("/api/v1/export-log/").json()["results"]][0] == entry.json()["id"]


def test_a_district_system_reads_only_its_own_log_entries(yinzhou_api, haishu_api, clerk_api, auditor_api, history):
    response, _ = export(haishu_api, "csv")
    export_id = response["X-Export-Id"]
    assert yinzhou_api.get(f"/api/v1/export-log/{export_id}/").status_code == 403
    assert yinzhou_api.get("/api/v1/export-log/").json()["count"] == 0
    for reader in (clerk_api, auditor_api):
        assert reader.get(f"/api/v1/export-log/{export_id}/").status_code == 200
    assert yinzhou_api.get("/api/v1/export-log/999999/").status_code == 404
