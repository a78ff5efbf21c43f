"""An auditor reads everything in the admin and finds no way to write: on every list and on a record
of each kind, no add link, no save or delete button, no editable field, and only read-only actions."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from core.choices import Role
from core.roles import registry_app_labels
from tests.browser.admin_pages import expect, log_in
from tests.browser.builders import make_one_record_of_each_kind
from tests.conftest import make_user

pytestmark = pytest.mark.browser

LIST_WRITING_CONTROLS = {
    "add link": "a.addlink",
    "import link": ".object-tools a[href*='/import']",
    "editable list field": "#result_list input:not(.action-select):not(#action-toggle), #result_list select",
}
WRITING_CONTROLS = {
    "add link": "a.addlink",
    "save or delete button": "#content-main form [type=submit]",
    "delete link": "a.deletelink",
    "inline 'add another' row": ".add-row",
    "editable field": "#content-main form input:not([type=hidden]), #content-main form select, "
    "#content-main form textarea",
}


def read_only_action_labels(model_admin, clerk) -> set[str]:
    """The labels of the actions that only read (exports), among all the actions a clerk has on the list."""
    request = RequestFactory().get("/admin/")
    request.user = clerk
    with translation.override("zh-hans"):
        return {
            str(description)
            for function, _name, description in model_admin.get_actions(request).values()
            if getattr(function, "read_only_action", False)
        }


def writing_controls_on(page, controls: dict[str, str]) -> dict[str, int]:
    """How many of each control the page shows (the admin's scripts keep some hidden, inert, in the page)."""
    found = {what: page.locator(selector).filter(visible=True).count() for what, selector in controls.items()}
    return {what: count for what, count in found.items() if count}


def test_auditor_finds_no_add_save_delete_or_writing_action_anywhere(page, site):
    make_user(Role.AUDITOR, username="auditor-zhao")
    clerk = make_user(Role.CLERK)
    make_one_record_of_each_kind()

    log_in(page, site, "auditor-zhao")
    assert page.locator("a.addlink").filter(visible=True).count() == 0
    listed_on_index = set(page.locator("#content-main a").evaluate_all("links => links.map(a => a.pathname)"))

    problems, change_pages = {}, []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = page.goto(f"{site}{changelist}")
        if opts.app_label not in registry_app_labels():  # users and groups: the accounts are the bureau's business
            assert response.status == 403, opts.label
            assert changelist not in listed_on_index
            continue
        assert response.status == 200, opts.label
        assert changelist in listed_on_index, opts.label
        expect(page.locator("#content")).to_be_visible()
        found = writing_controls_on(page, LIST_WRITING_CONTROLS)
        actions = page.locator("select[name=action] option").all_inner_texts()
        if opts.label == "registry.Organization":
            assert actions == ["---------", "导出所选记录（CSV）", "导出所选记录（Excel）"]
        writing_actions = {label for label in actions if not label.startswith("---")} - read_only_action_labels(
            model_admin, clerk
        )
        if writing_actions:
            found["writing actions"] = sorted(writing_actions)
        if found:
            problems[f"{opts.label} list"] = found

        first_record = page.locator("#result_list tbody tr a[href*='/change/']").first
        if first_record.count():
            first_record.click()
            expect(page.locator("#content-main")).to_be_visible()
            assert "/change/" in page.url, opts.label
            found = writing_controls_on(page, WRITING_CONTROLS)
            if found:
                problems[f"{opts.label} record"] = found
            change_pages.append(opts.label)

    # The page left for the screenshot: an organization as the auditor reads it, inlines included.
    page.goto(f"{site}/admin/registry/organization/")
    page.locator("#result_list").get_by_role("link", name="宁波市鄞州区志愿者协会", exact=True).click()
    expect(page.locator("h1")).to_have_text("查看 社会组织")
    assert problems == {}
    assert {
        "registry.Organization",
        "registry.CommunityOrganization",
        "registry.AnnualReport",
        "registry.CreditListEntry",
        "registry.PartyOrganization",
        "registry.Division",
        "ratings.Evaluation",
        "ratings.Honour",
        "procurement.Department",
        "procurement.ProjectCap",
        "procurement.PurchasedServiceProject",
        "procurement.ServiceDemand",
        "procurement.DemandResponse",
        "procurement.TransferredFunction",
        "platforms.Platform",
        "platforms.StandardisationAssessment",
        "platforms.PlatformRating",
        "platforms.PlatformFunding",
        "platforms.Incubation",
        "reports.PublishedFigure",
        "reports.Document",
        "reports.Citation",
        "core.ChangeRecord",
        "core.ExportLog",
        "core.ApiToken",
        "core.AccessProfile",
    } <= set(change_pages)
