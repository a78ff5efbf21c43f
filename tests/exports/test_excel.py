"""Exports people open in Excel (issue 19): grades as 4A, dates as date cells, division names beside
their codes, codes as text, widths from the content, an auto-filter, Chinese file names, no column twice,
and an export log that names lists in Chinese."""

import datetime
from urllib.parse import unquote

import pytest
from django.utils import timezone

from core.choices import Role
from core.models import ExportLog
from tests.conftest import make_organization, make_user
from tests.exports.builders import content_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/"
D = datetime.date


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


def file_names(response) -> tuple[str, str]:
    """The ASCII `filename` and the UTF-8 `filename*` of a Content-Disposition header."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment; ")
    params = dict(part.split("=", 1) for part in header.split("; ")[1:])
    assert params["filename"].isascii()
    encoded = params["filename*"]
    assert encoded.startswith("UTF-8''")
    return params["filename"].strip('"'), unquote(encoded.removeprefix("UTF-8''"))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_file_is_named_in_chinese_with_the_date_and_an_ascii_fallback(clerk_api, file_format):
    make_organization()
    today = timezone.localdate().strftime("%Y%m%d")
    response = clerk_api.get(URL, {"format": file_format})
    content_of(response)
    assert file_names(response) == (f"organizations-{today}.{file_format}", f"社会组织-{today}.{file_format}")


def test_filings_and_statistics_files_are_named_in_chinese_too(clerk_api):
    today = timezone.localdate().strftime("%Y%m%d")
    filings = clerk_api.get("/api/v1/community-organizations/", {"format": "xlsx"})
    assert file_names(filings)[1] == f"社区社会组织备案-{today}.xlsx"
    stats = clerk_api.get("/api/v1/stats/", {"format": "csv"})
    assert file_names(stats) == (f"stats-{today}.csv", f"统计数字-{today}.csv")


def test_an_english_reader_gets_an_english_file_name_and_the_log_stays_chinese(clerk_api):
    today = timezone.localdate().strftime("%Y%m%d")
    response = clerk_api.get(URL, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    content_of(response)
    assert response["Content-Disposition"] == f'attachment; filename="organizations-{today}.csv"'
    assert ExportLog.objects.get().title == "社会组织"


def test_the_export_log_names_lists_in_chinese(clerk_api, clerk_browser):
    content_of(clerk_api.get(URL, {"format": "xlsx"}))
    content_of(clerk_api.get("/api/v1/evaluations/", {"format": "csv"}))
    content_of(clerk_api.get("/api/v1/stats/", {"format": "csv", "compare": "published"}))
    content_of(clerk_browser.get("/admin/registry/communityorganization/export/csv/"))
    titles = list(ExportLog.objects.order_by("id").values_list("resource", "title"))
    assert titles == [
        ("organizations", "社会组织"),
        ("evaluations", "评估等级"),
        ("stats-published", "统计数字与公布数字对照"),
        ("community-organizations", "社区社会组织备案"),
    ]
    assert str(ExportLog.objects.order_by("id").first()).endswith("社会组织.xlsx")
    changelist = clerk_browser.get("/admin/core/exportlog/")
    assert changelist.status_code == 200 and "社区社会组织备案" in changelist.content.decode()
