"""A clerk filters the organizations by district and type and exports the filtered list: the CSV
(UTF-8 with BOM, Chinese headers) holds exactly the rows on screen."""

import csv
import io

import pytest

from core.choices import Role
from registry.choices import OrgType
from tests.browser.admin_pages import changelist_column, changelist_names, expect, filter_choice, log_in
from tests.conftest import make_organization, make_user

pytestmark = pytest.mark.browser


def test_exported_csv_of_the_filtered_list_has_exactly_the_rows_on_screen(page, site):
    make_user(Role.CLERK, username="clerk-chen")
    service = OrgType.SOCIAL_SERVICE
    make_organization(name="宁波市鄞州区康乐养老服务中心", org_type=service, registered_by="330212")
    make_organization(name="宁波市鄞州区阳光儿童康复中心", org_type=service, registered_by="330212")
    make_organization(name="宁波市鄞州区摄影家协会", org_type=OrgType.SOCIAL_GROUP, registered_by="330212")
    make_organization(name="宁波市海曙区颐养服务中心", org_type=service, registered_by="330203")
    make_organization(name="宁波市公益服务促进中心", org_type=service, registered_by="330200")

    log_in(page, site, "clerk-chen")
    page.goto(f"{site}/admin/registry/organization/")
    filter_choice(page, "登记管理机关", "鄞州区（330212）")
    filter_choice(page, "类型", "社会服务机构")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    on_screen = sorted(zip(changelist_names(page), changelist_column(page, "uscc"), strict=True))
    assert [name for name, _ in on_screen] == ["宁波市鄞州区康乐养老服务中心", "宁波市鄞州区阳光儿童康复中心"]

    with page.expect_download() as started:
        page.get_by_role("link", name="导出当前筛选结果（CSV）").click()
    download = started.value
    assert download.suggested_filename.endswith(".csv")
    content = download.path().read_bytes()

    assert content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert {"名称", "统一社会信用代码", "类型", "登记管理机关"} <= set(header)
    name, code, kind = header.index("名称"), header.index("统一社会信用代码"), header.index("类型")
    assert sorted((row[name], row[code]) for row in rows) == on_screen
    assert {row[kind] for row in rows} == {"社会服务机构"}
