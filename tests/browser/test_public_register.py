"""The public register as a citizen sees it: no login, on a desktop (1440×900) and a phone (375×812),
searching, opening an organization, the credit lists, a township's filings and a certificate check,
all under the Content-Security-Policy (no violation) and without JavaScript."""

import datetime

import pytest

from ratings.models import Evaluation
from registry.choices import CreditList
from tests.browser.admin_pages import expect
from tests.browser.conftest import save_screenshot
from tests.conftest import make_organization
from tests.registry.builders import make_credit_entry, make_filing

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 375, "height": 812}}


def make_public_register():
    organization = make_organization(
        name="宁波市海曙区青少年科技教育促进会",
        registered_by="330203",
        supervising_unit="宁波市海曙区科学技术协会",
        business_scope="开展青少年科技教育活动、组织科普讲座与竞赛、提供科技教育咨询服务。",
        phone="13912345678",
    )
    evaluation = Evaluation(organization=organization, grade=4, concluded_on=datetime.date(2024, 3, 1))
    evaluation.full_clean()
    evaluation.save()
    for n in range(24):
        make_organization(name=f"宁波市韵律体育促进会{n:02d}", registered_by="330203")
    listed = make_organization(name="宁波市长期未年检研究会", registered_by="330212")
    make_credit_entry(listed, kind=CreditList.ABNORMAL)
    filing = make_filing(name="下应街道夕阳红志愿服务队", contact_person="李四", contact_phone="13700001111")
    return organization, evaluation, filing


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_citizen_searches_and_verifies_without_logging_in(chromium, site, request, viewport):
    organization, evaluation, filing = make_public_register()
    context = chromium.new_context(locale="zh-CN", viewport=VIEWPORTS[viewport], java_script_enabled=False)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    name = request.node.name
    try:
        page.goto(f"{site}/public/")
        expect(page.locator("h1")).to_have_text("查询社会组织")
        page.get_by_label("名称（至少 2 个字）或统一社会信用代码").fill("促进")
        page.get_by_role("button", name="查询").click()
        expect(page.locator("main table")).to_contain_text("宁波市海曙区青少年科技教育促进会")
        expect(page.locator("main table")).to_contain_text("4A")
        expect(page.locator(".pager")).to_contain_text("共 25 条")
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
        save_screenshot(page, f"{name}--search")

        page.get_by_role("link", name="宁波市海曙区青少年科技教育促进会").click()
        expect(page.locator("h1")).to_have_text("宁波市海曙区青少年科技教育促进会")
        expect(page.locator("main")).to_contain_text("宁波市海曙区科学技术协会")
        assert "13912345678" not in page.content() and "5678" not in page.locator("main").inner_text()
        save_screenshot(page, f"{name}--organization")

        page.get_by_role("link", name="核验评估证书").click()
        expect(page.locator(".verdict")).to_contain_text("有效")
        expect(page.locator("main")).to_contain_text(evaluation.valid_until.isoformat())
        save_screenshot(page, f"{name}--certificate")

        page.get_by_role("link", name="信用名单").click()
        expect(page.locator("main")).to_contain_text("宁波市长期未年检研究会")
        save_screenshot(page, f"{name}--credit-lists")

        page.goto(f"{site}/public/filings/{filing.township_id}/")
        expect(page.locator("main table")).to_contain_text("下应街道夕阳红志愿服务队")
        assert "李四" not in page.content()
        save_screenshot(page, f"{name}--filings")

        page.get_by_role("link", name="开放数据").click()
        expect(page.locator("h1")).to_have_text("开放数据")
        assert violations == []
        # Readable on the phone: nothing wider than the screen but the tables' own scrolling boxes.
        page.goto(f"{site}/public/organizations/{organization.uscc}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
        # The stylesheet applies under the policy (no inline style anywhere).
        assert page.locator("header.site").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 61, 145)"
    finally:
        save_screenshot(page, name)
        context.close()
