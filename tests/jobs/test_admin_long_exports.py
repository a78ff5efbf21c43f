"""The admin's "后台导出": a button beside the export buttons, a confirmation, a progress page that
refreshes until done, the file of the change list as filtered; seen by the requester and clerks."""

import io
import re
from html import unescape

import openpyxl
import pytest

from core.choices import Role
from jobs.models import ExportJob
from jobs.worker import run_ready_jobs
from registry.choices import OrgType
from tests.conftest import make_organization, make_user

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/registry/organization/"


def logged_in(client, role):
    user = make_user(role)
    client.force_login(user)
    return client


def background_link(page: str, label: str) -> str:
    links = re.findall(r'<a href="([^"]+)" class="registry-export">([^<]+)</a>', page)
    return next(unescape(url) for url, text in links if text == label)


def test_a_filtered_change_list_exported_in_the_background_with_a_progress_page(client):
    foundations = [make_organization(org_type=OrgType.FOUNDATION, registered_by_id="330200") for _ in range(3)]
    make_organization()  # a social group: filtered out
    browser = logged_in(client, Role.CLERK)
    page = browser.get(CHANGELIST, {"org_type__exact": "foundation"}).content.decode()
    url = background_link(page, "后台导出（Excel）")
    confirm = browser.get(url)
    assert confirm.status_code == 200 and "3" in confirm.content.decode()
    started = browser.post(url)
    assert started.status_code == 302
    progress_url = started["Location"]
    waiting = browser.get(progress_url).content.decode()
    assert 'http-equiv="refresh"' in waiting and "<progress" in waiting
    run_ready_jobs()
    done = browser.get(progress_url).content.decode()
    assert 'http-equiv="refresh"' not in done and 'id="export-download"' in done
    job = ExportJob.objects.get()
    assert (job.status, job.progress, job.total, job.source) == ("done", 3, 3, "admin")
    download = browser.get(f"/admin/jobs/exportjob/{job.pk}/download/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    names = {row[2] for row in list(sheet.iter_rows(values_only=True))[1:]}
    assert names == {organization.name for organization in foundations}


def test_auditors_export_in_the_background_and_see_only_their_own(client):
    make_organization()
    clerk_job_owner = make_user(Role.CLERK)
    client.force_login(clerk_job_owner)
    url = background_link(client.get(CHANGELIST).content.decode(), "后台导出（CSV）")
    client.post(url)
    clerks_job = ExportJob.objects.get()
    auditor = logged_in(client, Role.AUDITOR)
    assert auditor.post(url).status_code == 302
    assert auditor.get(f"/admin/jobs/exportjob/{clerks_job.pk}/progress/").status_code == 403
    listed = auditor.get("/admin/jobs/exportjob/").content.decode()
    assert f"/admin/jobs/exportjob/{clerks_job.pk}/progress/" not in listed
    assert ExportJob.objects.count() == 2
