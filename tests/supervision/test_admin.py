"""The clerks' worklists of supervision in the admin (Chinese)."""

import datetime

import pytest

from core.choices import Role
from registry.models import CreditListEntry
from supervision.choices import ProposalStatus
from supervision.models import CalendarDay, CalendarYear, SupervisionProposal
from tests.conftest import make_organization, make_user
from tests.registry.builders import make_annual_report
from tests.supervision.builders import make_proposal

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-03")]
PROPOSALS = "/admin/supervision/supervisionproposal/"
D = datetime.date


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


def test_open_and_overdue_proposals_are_a_worklist(clerk_browser):
    overdue, later = make_proposal(due_on=D(2025, 6, 9)), make_proposal(due_on=D(2027, 1, 9))
    page = clerk_browser.get(PROPOSALS, {"status__exact": "open", "overdue": "true"})
    assert page.status_code == 200
    assert list(page.context["cl"].queryset) == [overdue]
    assert "监督建议" in page.content.decode()
    assert later in page.context["cl"].root_queryset


def test_clerk_confirms_many_with_one_decision_number(clerk_browser):
    first, second = make_proposal(), make_proposal()
    body = {"action": "confirm", "_selected_action": [first.pk, second.pk]}
    assert clerk_browser.post(PROPOSALS, body).status_code == 200  # the form asking number and date
    done = clerk_browser.post(
        PROPOSALS, {**body, "apply": "1", "decision_number": "甬民异〔2025〕5号", "date": "2025-06-06"}
    )
    assert done.status_code == 302
    assert set(SupervisionProposal.objects.values_list("status", flat=True)) == {ProposalStatus.CONFIRMED}
    assert CreditListEntry.objects.filter(decision_number="甬民异〔2025〕5号").count() == 2


def test_reports_overdue_this_year_and_not_reviewed_are_worklists(clerk_browser):
    late = make_organization(registered_on=D(2020, 1, 1))
    on_time = make_organization(registered_on=D(2020, 1, 1))
    make_annual_report(on_time, year=2025, result="", submitted_on=D(2026, 5, 1))
    page = clerk_browser.get("/admin/supervision/overduereporter/")
    assert page.status_code == 200
    assert {o.pk for o in page.context["cl"].queryset} >= {late.pk}
    assert on_time.pk not in {o.pk for o in page.context["cl"].queryset}
    reports = clerk_browser.get("/admin/registry/annualreport/", {"stage": "not_reviewed"})
    assert [r.organization_id for r in reports.context["cl"].queryset] == [on_time.pk]


def test_the_calendar_warns_about_a_year_it_does_not_cover(clerk_browser):
    CalendarDay.objects.filter(day__year=2027).delete()
    CalendarYear.objects.filter(year=2027).delete()
    page = clerk_browser.get("/admin/supervision/calendarday/", follow=True)
    assert "2027" in " ".join(str(m) for m in page.context["messages"])
    added = clerk_browser.post("/admin/supervision/calendaryear/add/", {"year": "2027"})
    assert added.status_code == 302, added.context["errors"] if added.context else added
    assert CalendarDay.objects.filter(day__year=2027).count() == 365


def test_a_proposal_beyond_the_calendar_warns_on_the_worklist(clerk_browser):
    proposal = make_proposal()
    SupervisionProposal.objects.filter(pk=proposal.pk).update(calendar_uncovered=True)
    page = clerk_browser.get(PROPOSALS, follow=True)
    assert any("工作日" in str(m) for m in page.context["messages"])


def test_the_dashboard_shows_the_supervision_figures(clerk_browser):
    make_proposal(due_on=D(2025, 6, 9))
    page = clerk_browser.get("/admin/reports/dashboard/", {"as_of": "2026-06-01"})
    text = page.content.decode()
    for label in ("应报年度工作报告", "逾期未报年度工作报告", "列入活动异常名录的社会组织", "逾期未处理监督建议"):
        assert label in text, label
