"""The Content-Security-Policy (docs/decisions/0132-content-security-policy.md) breaks nothing a clerk
opens: the admin's change list, the dashboard with its charts and the API docs render, and the
browser reports no violation of the policy, neither as an event nor in the console."""

import pytest

from core.choices import Role
from tests.browser.admin_pages import expect, log_in
from tests.conftest import make_organization, make_user
from tests.ratings.builders import make_evaluation

pytestmark = pytest.mark.browser

# Recorded in the page before any of its own scripts run (an init script is not subject to the policy).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def violations(page):
    """Every violation the browser reports on the pages the test opens (console messages included)."""
    found = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: found.append(message.text) if "Content Security Policy" in message.text else None,
    )

    def on_this_page() -> list[str]:
        return found + page.evaluate("window.__violations")

    return on_this_page


def test_admin_dashboard_and_api_docs_work_under_the_policy(page, site, violations):
    make_user(Role.CLERK, username="clerk-csp")
    make_organization(name="宁波市鄞州区内容安全测试协会", registered_by="330212")
    log_in(page, site, "clerk-csp")

    response = page.goto(f"{site}/admin/registry/organization/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#result_list")).to_contain_text("宁波市鄞州区内容安全测试协会")
    page.locator("#changelist-filter").first.wait_for()
    assert violations() == []

    page.goto(f"{site}/admin/reports/dashboard/")
    expect(page.locator("h1")).to_have_text("统计概览")
    expect(page.locator(".dashboard-charts svg").first).to_be_visible()
    # The stylesheet applies: the cards are laid out as a grid.
    assert page.locator(".dashboard-cards").evaluate("e => getComputedStyle(e).display") == "grid"
    assert violations() == []

    page.goto(f"{site}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("宁波市社会组织登记管理系统 API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert violations() == []


def test_a_certificate_prints_under_the_policy(page, site, violations):
    make_user(Role.CLERK, username="clerk-certificate")
    evaluation = make_evaluation(make_organization(name="宁波市证书打印测试协会", registered_by="330200"), grade=5)
    log_in(page, site, "clerk-certificate")
    page.goto(f"{site}/api/v1/evaluations/{evaluation.pk}/certificate/")
    expect(page.locator(".certificate h1")).to_have_text("社会组织评估等级证书")
    expect(page.locator(".certificate .qr svg")).to_be_visible()
    # The print style sheet applies: one A4-wide page per certificate.
    assert page.locator(".certificate").evaluate("e => getComputedStyle(e).breakAfter") == "page"
    assert violations() == []
