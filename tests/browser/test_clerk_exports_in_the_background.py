"""A clerk exports the filtered organizations list in the background (DESIGN §12): the button beside the
export buttons, the confirmation, a progress bar while the worker writes, then the file, every row."""

import io

import openpyxl
import pytest

from core.choices import Role
from jobs.worker import run_ready_jobs
from registry.choices import OrgType
from tests.browser.admin_pages import expect, filter_choice, log_in
from tests.conftest import make_organization, make_user

pytestmark = pytest.mark.browser


def test_a_filtered_list_exported_in_the_background_with_a_progress_bar(page, site, screenshot):
    make_user(Role.CLERK, username="clerk-chen")
    foundations = {
        make_organization(name=f"宁波市慈善基金会{n}号", org_type=OrgType.FOUNDATION, registered_by="330200").name
        for n in range(1, 4)
    }
    make_organization(name="宁波市摄影家协会", org_type=OrgType.SOCIAL_GROUP, registered_by="330200")

    log_in(page, site, "clerk-chen")
    page.goto(f"{site}/admin/registry/organization/")
    filter_choice(page, "类型", "基金会")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    page.get_by_role("link", name="后台导出（Excel）").click()
    expect(page.locator("#content-main")).to_contain_text("3")
    page.get_by_role("button", name="开始导出").click()

    progress = page.locator("progress#export-progress")
    expect(progress).to_be_visible()
    expect(page.locator("#export-download")).to_have_count(0)
    screenshot("waiting")

    run_ready_jobs()  # the worker
    page.reload()
    expect(page.locator("#export-download")).to_be_visible()
    assert progress.get_attribute("value") == progress.get_attribute("max") == "3"
    with page.expect_download() as started:
        page.locator("#export-download").click()
    download = started.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    assert {row[header.index("名称")] for row in rows} == foundations
