"""Long exports (DESIGN §12): POST exports/ → 202, a worker writes the file, progress rises to done,
the file downloads whole; visible to whoever asked and to clerks; logged; expired after 7 days."""

import datetime
import hashlib
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

import jobs.exports
from core.models import ExportLog
from jobs.models import ExportJob
from jobs.worker import run_ready_jobs
from tests.conftest import api_client_for, make_user
from tests.registry.builders import make_filing

pytestmark = pytest.mark.django_db
URL = "/api/v1/exports/"


@pytest.fixture(autouse=True)
def progress_every_two_rows(settings):
    settings.REGISTRY_EXPORT_PROGRESS_ROWS = 2


def test_all_filings_in_xlsx_202_then_progress_rises_to_done_and_the_file_has_every_row(clerk_api, monkeypatch):
    filings = [make_filing() for _ in range(7)]
    response = clerk_api.post(
        URL, {"resource": "community-organizations", "params": {}, "format": "xlsx"}, format="json"
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert {"id", "status", "progress"} <= set(body) and body["status"] == "queued" and body["progress"] == 0
    assert response["Location"].endswith(f"{URL}{body['id']}/")

    # Poll while the worker writes: each time it saves its progress, read the job as a client would.
    seen = []
    save_progress = jobs.exports.save_progress

    def save_and_poll(export_id, written):
        save_progress(export_id, written)
        seen.append(clerk_api.get(f"{URL}{body['id']}/").json())

    monkeypatch.setattr(jobs.exports, "save_progress", save_and_poll)
    run_ready_jobs()

    progress = [state["progress"] for state in seen if state["status"] == "running"]
    assert progress == sorted(progress) and progress[-1] > progress[0]
    final = clerk_api.get(f"{URL}{body['id']}/").json()
    assert final["status"] == "done" and final["progress"] == len(filings) == final["total"]
    download = clerk_api.get(f"{URL}{body['id']}/file/")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + len(filings)
    names = {row[list(rows[0]).index("名称")] for row in rows[1:]}
    assert names == {filing.name for filing in filings}


def test_the_export_is_logged_when_done(clerk, clerk_api):
    make_filing()
    job_id = clerk_api.post(URL, {"resource": "community-organizations", "format": "csv"}, format="json").json()["id"]
    run_ready_jobs()
    job = ExportJob.objects.get(pk=job_id)
    assert job.export_log is not None
    log = ExportLog.objects.get(pk=job.export_log_id)
    assert (log.resource, log.file_format, log.row_count, log.user) == ("community-organizations", "csv", 1, clerk)
    assert clerk_api.get(f"{URL}{job_id}/").json()["export_log"] == log.pk


def test_a_long_export_s_manifest_holds_the_sha256_of_its_file_and_its_as_of(clerk_api):
    make_filing()
    asked = {"resource": "community-organizations", "params": {"as_of": "2026-01-31"}, "format": "csv"}
    job_id = clerk_api.post(URL, asked, format="json").json()["id"]
    run_ready_jobs()
    job = ExportJob.objects.get(pk=job_id)
    body = b"".join(clerk_api.get(f"{URL}{job_id}/file/").streaming_content)
    log = ExportLog.objects.get(pk=job.export_log_id)
    assert log.sha256 == hashlib.sha256(body).hexdigest() and log.as_of == datetime.date(2026, 1, 31)


def test_a_bad_filter_is_400_when_asked_and_nothing_is_queued(clerk_api):
    for params in ({"districtt": "330212"}, {"registered_from": "yesterday"}):
        response = clerk_api.post(URL, {"resource": "organizations", "params": params, "format": "csv"}, format="json")
        assert response.status_code == 400 and "params" in response.json(), response.content
    response = clerk_api.post(URL, {"resource": "nothing", "format": "csv"}, format="json")
    assert response.status_code == 400 and "resource" in response.json()
    response = clerk_api.post(URL, {"resource": "organizations", "format": "pdf"}, format="json")
    assert response.status_code == 400 and "format" in response.json()
    assert not ExportJob.objects.exists()


def test_a_list_the_role_may_not_read_is_403(yinzhou_api):
    response = yinzhou_api.post(URL, {"resource": "changes", "format": "csv"}, format="json")
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_only_whoever_asked_and_clerks_see_an_export(yinzhou_api, haishu_api, auditor_api, clerk_api):
    make_filing()
    job_id = yinzhou_api.post(URL, {"resource": "community-organizations", "format": "csv"}, format="json").json()["id"]
    run_ready_jobs()
    for client, allowed in ((yinzhou_api, True), (clerk_api, True), (haishu_api, False), (auditor_api, False)):
        for path in (f"{URL}{job_id}/", f"{URL}{job_id}/file/"):
            assert client.get(path).status_code == (200 if allowed else 403), path
    assert [job["id"] for job in haishu_api.get(URL).json()["results"]] == []
    assert [job["id"] for job in yinzhou_api.get(URL).json()["results"]] == [job_id]


def test_personal_data_is_masked_as_in_the_requesters_own_list(haishu_api):
    make_filing(contact_phone="13912345678")  # a 鄞州区 filing, read by 海曙区
    job_id = haishu_api.post(URL, {"resource": "community-organizations", "format": "csv"}, format="json").json()["id"]
    run_ready_jobs()
    text = b"".join(haishu_api.get(f"{URL}{job_id}/file/").streaming_content).decode("utf-8-sig")
    assert "139****5678" in text and "13912345678" not in text


def test_the_file_of_an_export_not_done_is_409(clerk_api):
    job_id = clerk_api.post(URL, {"resource": "organizations", "format": "csv"}, format="json").json()["id"]
    assert clerk_api.get(f"{URL}{job_id}/file/").status_code == 409


def test_files_expire_after_seven_days(clerk_api):
    make_filing()
    job_id = clerk_api.post(URL, {"resource": "community-organizations", "format": "csv"}, format="json").json()["id"]
    run_ready_jobs()
    job = ExportJob.objects.get(pk=job_id)
    assert job.expires - job.created == datetime.timedelta(days=7)
    call_command("prune_exports", verbosity=0)
    assert clerk_api.get(f"{URL}{job_id}/file/").status_code == 200
    ExportJob.objects.filter(pk=job_id).update(created=timezone.now() - datetime.timedelta(days=8))
    call_command("prune_exports", verbosity=0)
    assert clerk_api.get(f"{URL}{job_id}/").json()["status"] == "expired"
    assert clerk_api.get(f"{URL}{job_id}/file/").status_code == 410


def test_auditors_and_read_only_tokens_may_ask(auditor_api):
    response = auditor_api.post(URL, {"resource": "organizations", "format": "csv"}, format="json")
    assert response.status_code == 202
    read_only = api_client_for(make_user("clerk"), read_only=True)
    assert read_only.post(URL, {"resource": "organizations", "format": "csv"}, format="json").status_code == 202


def test_the_list_of_exports_takes_a_constant_number_of_queries(clerk_api, django_assert_max_num_queries):
    for _ in range(3):
        clerk_api.post(URL, {"resource": "organizations", "format": "csv"}, format="json")
    with django_assert_max_num_queries(8):
        assert clerk_api.get(URL).json()["count"] == 3
