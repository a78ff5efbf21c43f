"""The clerks' admin (Chinese) for filings, annual reports, credit lists and party organizations."""

import datetime

import pytest

from core.choices import Role
from registry.choices import CreditList, FilingStatus
from registry.models import CommunityOrganization, CreditListEntry, PartyOrganization
from tests.conftest import make_organization, make_user
from tests.registry.builders import (
    YINZHOU_TOWNSHIP,
    make_annual_report,
    make_community,
    make_credit_entry,
    make_filing,
    make_party_organization,
)

pytestmark = pytest.mark.django_db
FILINGS = "/admin/registry/communityorganization/"


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


@pytest.fixture
def auditor_browser(client):
    client.force_login(make_user(Role.AUDITOR))
    return client


def test_filing_pages_render_in_chinese(clerk_browser):
    filing = make_filing()
    listing = clerk_browser.get(FILINGS)
    assert listing.status_code == 200
    text = listing.content.decode()
    assert filing.name in text and "社区社会组织备案" in text and "备案编号" in text
    for label in ("城市社区", "类别", "活跃"):
        assert label in text
    assert clerk_browser.get(FILINGS + "add/").status_code == 200
    change = clerk_browser.get(f"{FILINGS}{filing.pk}/change/").content.decode()
    assert 'name="filing_number"' not in change and filing.filing_number in change  # shown, not editable


def test_filings_filter_by_district_and_urban(clerk_browser):
    yinzhou = make_filing(urban=True)
    haishu = make_filing(township="330203001", urban=False)
    text = clerk_browser.get(FILINGS, {"district__code__exact": "330212"}).content.decode()
    assert yinzhou.name in text and haishu.name not in text
    text = clerk_browser.get(FILINGS, {"urban__exact": "0"}).content.decode()
    assert haishu.name in text and yinzhou.name not in text


def test_township_autocomplete_offers_townships_only(clerk_browser):
    make_community(YINZHOU_TOWNSHIP)
    response = clerk_browser.get(
        "/admin/autocomplete/",
        {"app_label": "registry", "model_name": "communityorganization", "field_name": "township", "term": "3302120"},
    )
    assert response.status_code == 200
    codes = [row["id"] for row in response.json()["results"]]
    assert YINZHOU_TOWNSHIP in codes and all(len(code) == 9 for code in codes)
    communities = clerk_browser.get(
        "/admin/autocomplete/",
        {
            "app_label": "registry",
            "model_name": "communityorganization",
            "field_name": "community",
            "term": YINZHOU_TOWNSHIP,
        },
    ).json()["results"]
    assert communities and all(len(row["id"]) == 12 for row in communities)


def test_clerk_files_through_the_admin_with_a_generated_number(clerk_browser):
    community = make_community(YINZHOU_TOWNSHIP, urban=False)
    response = clerk_browser.post(
        FILINGS + "add/",
        {
            "filing_number": "",
            "name": "下应村文艺队",
            "township": YINZHOU_TOWNSHIP,
            "community": community.code,
            "category": "culture_sports",
            "field": "culture_sports",
            "filed_on": "2023-03-03",
            "contact_person": "",
            "contact_phone": "",
            "member_count": "15",
            "active": "on",
            "last_active_on": "",
            "registered_as": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    filing = CommunityOrganization.objects.get(name="下应村文艺队")
    assert filing.filing_number == "330212001-2023-0001" and filing.urban is False and filing.district_id == "330212"


def test_admin_refuses_a_community_outside_the_township(clerk_browser):
    community = make_community("330212002")
    response = clerk_browser.post(
        FILINGS + "add/",
        {
            "name": "错位组织",
            "township": YINZHOU_TOWNSHIP,
            "community": community.code,
            "category": "service",
            "filed_on": "2023-03-03",
            "member_count": "1",
        },
    )
    assert response.status_code == 200 and "不在镇乡（街道）" in response.content.decode()
    assert not CommunityOrganization.objects.filter(name="错位组织").exists()


def test_cancel_action_asks_date_and_reason_then_applies(clerk_browser):
    filing = make_filing()
    form = clerk_browser.post(FILINGS, {"action": "filing_cancel", "_selected_action": [filing.pk]})
    assert form.status_code == 200 and "reason" in form.content.decode()
    clerk_browser.post(
        FILINGS,
        {
            "action": "filing_cancel",
            "_selected_action": [filing.pk],
            "apply": "1",
            "date": "2023-06-01",
            "reason": "组织解散",
        },
    )
    filing.refresh_from_db()
    assert filing.status == FilingStatus.CANCELLED and filing.status_reason == "组织解散"


def test_organization_page_shows_annual_reports_credit_entries_and_party_coverage(clerk_browser):
    organization = make_organization()
    make_annual_report(organization, year=2022)
    make_credit_entry(organization, kind=CreditList.SERIOUS, reason="严重违法测试原因")
    party = make_party_organization(organization, name="测试协会党支部")
    text = clerk_browser.get(f"/admin/registry/organization/{organization.pk}/change/").content.decode()
    for words in ("年度工作报告", "信用名录", "严重违法测试原因", party.name, "覆盖本组织的党组织"):
        assert words in text, words


def test_organization_list_filters_by_party_credit_and_annual_report(clerk_browser):
    covered, listed = make_organization(), make_organization()
    make_party_organization(covered)
    make_credit_entry(listed, kind=CreditList.ABNORMAL)
    url = "/admin/registry/organization/"
    text = clerk_browser.get(url, {"party_org": "true"}).content.decode()
    assert covered.name in text and listed.name not in text
    text = clerk_browser.get(url, {"on_list": "abnormal"}).content.decode()
    assert listed.name in text and covered.name not in text
    assert clerk_browser.get(url, {"report_result": "none"}).status_code == 200


def as_browser_would_post(page) -> dict:
    """The form data a browser sends back for an admin change page, unchanged."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif isinstance(value, (list, tuple)):
                data[form.add_prefix(name)] = [str(item) for item in value]
            elif value is not None:
                data[form.add_prefix(name)] = str(getattr(value, "pk", value))

    add(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.initial_forms:
            add(form)
    return data


def test_annual_report_inline_saves_from_the_organization_page(clerk_browser):
    organization = make_organization()
    make_party_organization(organization)  # the read-only coverage inline has a row to send back
    make_credit_entry(organization)
    url = f"/admin/registry/organization/{organization.pk}/change/"
    page = clerk_browser.get(url)
    data = as_browser_would_post(page)
    reports = next(
        inline.formset.prefix
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model.__name__ == "AnnualReport"
    )
    data.update(
        {
            f"{reports}-TOTAL_FORMS": "1",
            f"{reports}-0-year": "2022",
            f"{reports}-0-submitted_on": "2023-04-01",
            f"{reports}-0-result": "passed",
        }
    )
    response = clerk_browser.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert organization.annual_reports.get().year == 2022
    assert organization.party_organizations.count() == 1 and organization.credit_list_entries.count() == 1


def test_party_organization_admin_checks_the_form(clerk_browser):
    first, second = make_organization(), make_organization()
    response = clerk_browser.post(
        "/admin/registry/partyorganization/add/",
        {
            "name": "单独组建党支部",
            "kind": "standalone",
            "organizations": [first.pk, second.pk],
            "member_count": "3",
            "established_on": "2020-01-01",
        },
    )
    assert response.status_code == 200 and "单独组建" in response.content.decode()
    assert not PartyOrganization.objects.exists()
    created = clerk_browser.post(
        "/admin/registry/partyorganization/add/",
        {
            "name": "联合党支部",
            "kind": "joint",
            "organizations": [first.pk, second.pk],
            "member_count": "3",
            "established_on": "2020-01-01",
        },
    )
    assert created.status_code == 302
    assert set(PartyOrganization.objects.get().organizations.all()) == {first, second}


def test_credit_entry_remove_action(clerk_browser):
    entry = make_credit_entry(listed_on=datetime.date(2022, 1, 1))
    clerk_browser.post(
        "/admin/registry/creditlistentry/",
        {
            "action": "credit_entry_remove",
            "_selected_action": [entry.pk],
            "apply": "1",
            "date": "2023-01-01",
            "reason": "整改完毕",
        },
    )
    entry.refresh_from_db()
    assert entry.removed_on == datetime.date(2023, 1, 1) and entry.removal_reason == "整改完毕"


def test_auditor_reads_but_cannot_change(auditor_browser):
    filing = make_filing()
    entry = make_credit_entry()
    assert auditor_browser.get(FILINGS).status_code == 200
    assert auditor_browser.get(f"{FILINGS}{filing.pk}/change/").status_code == 200
    assert auditor_browser.get(FILINGS + "add/").status_code == 403
    auditor_browser.post(
        FILINGS,
        {"action": "filing_cancel", "_selected_action": [filing.pk], "apply": "1", "date": "2023-06-01", "reason": "x"},
    )
    filing.refresh_from_db()
    assert filing.status == FilingStatus.FILED
    page = auditor_browser.get(f"/admin/registry/organization/{entry.organization_id}/change/").content.decode()
    assert entry.reason in page
    assert CreditListEntry.objects.filter(pk=entry.pk, removed_on__isnull=True).exists()


def test_community_autocomplete_offers_only_the_chosen_townships_communities(clerk_browser):
    own = make_community(YINZHOU_TOWNSHIP)
    other = make_community("330212002")
    query = {"app_label": "registry", "model_name": "communityorganization", "field_name": "community", "term": ""}
    offered = [row["id"] for row in clerk_browser.get("/admin/autocomplete/", query).json()["results"]]
    assert own.code in offered and other.code in offered  # no township chosen yet: every community
    query["township"] = YINZHOU_TOWNSHIP
    offered = [row["id"] for row in clerk_browser.get("/admin/autocomplete/", query).json()["results"]]
    assert own.code in offered and other.code not in offered


def test_filings_filter_by_township_once_a_district_is_chosen(clerk_browser):
    here = make_filing()
    there = make_filing(township="330212002")
    text = clerk_browser.get(FILINGS).content.decode()
    assert "?township=" not in text  # 156 townships would not fit: none offered before a district
    text = clerk_browser.get(FILINGS, {"district__code__exact": "330212"}).content.decode()
    assert f"township={YINZHOU_TOWNSHIP}" in text and "township=330212002" in text
    text = clerk_browser.get(FILINGS, {"township": YINZHOU_TOWNSHIP}).content.decode()
    assert here.name in text and there.name not in text
