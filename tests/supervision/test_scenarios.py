"""The issue's "done when" scenarios, through `manage.py supervise` and the API as DESIGN §7 names it."""

import datetime
import io

import chinese_calendar
import pytest
from django.core.management import call_command

from core.models import ChangeRecord
from registry.choices import CreditEntrySource, CreditGround, CreditList
from registry.models import CreditListEntry
from supervision.choices import ProposalKind, ProposalStatus
from supervision.models import SupervisionProposal
from tests.registry.builders import make_annual_report
from tests.supervision.builders import listed, organization_with_reports

pytestmark = [pytest.mark.django_db, pytest.mark.today("2027-07-01")]
D = datetime.date
URL = "/api/v1/supervision-proposals/"


def supervise(day: datetime.date) -> str:
    out = io.StringIO()
    call_command("supervise", date=day.isoformat(), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def proposals(organization, kind=None):
    rows = SupervisionProposal.objects.filter(organization=organization)
    return rows.filter(kind=kind) if kind else rows


def nth_working_day_after(day: datetime.date, n: int) -> datetime.date:
    """The official calendar read directly (not through the table), to check the table and the clock."""
    while n:
        day += datetime.timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def test_no_report_for_2024_is_proposed_for_listing_confirmed_removed_and_transferred(clerk_api):
    organization = organization_with_reports(filed={2023: D(2024, 4, 1)})
    supervise(D(2025, 5, 31))  # the deadline day itself: not yet
    assert not proposals(organization).exists()

    supervise(D(2025, 6, 1))
    [proposal] = proposals(organization)
    assert (proposal.kind, proposal.ground, proposal.report_year) == ("list_abnormal", "report_overdue", 2024)
    assert proposal.due_on == nth_working_day_after(D(2025, 5, 31), 5)
    row = clerk_api.get(URL, {"kind": "list_abnormal", "status": "open"}).json()["results"]
    assert [r["id"] for r in row] == [proposal.pk] and row[0]["basis"].startswith("民政部令第60号第十条")
    assert row[0]["overdue"] is True  # today is 2027-07-01

    confirmed = clerk_api.post(
        f"{URL}{proposal.pk}/confirm/", {"decision_number": "甬民异〔2025〕7号", "date": "2025-06-03"}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "confirmed"
    entry = CreditListEntry.objects.get(organization=organization)
    assert (entry.list_kind, entry.ground, entry.listed_on, entry.counted_from) == (
        CreditList.ABNORMAL,
        CreditGround.REPORT_OVERDUE,
        D(2025, 6, 3),
        D(2025, 6, 3),
    )
    assert entry.decision_number == "甬民异〔2025〕7号" and entry.source == CreditEntrySource.SUPERVISION
    assert ChangeRecord.objects.filter(object_id=entry.pk, content_type__model="creditlistentry").exists()

    # The report filed on Monday 29 September 2025: the removal is due 5 working days later, after the
    # National Day holiday (1–8 October) and counting the swapped working Saturday of 11 October.
    make_annual_report(organization, year=2024, result="", submitted_on=D(2025, 9, 29))
    supervise(D(2025, 9, 30))
    [removal] = proposals(organization, ProposalKind.REMOVE_ABNORMAL)
    assert removal.due_on == D(2025, 10, 13) == nth_working_day_after(D(2025, 9, 29), 5)
    assert removal.entry_id == entry.pk and removal.basis.startswith("民政部令第60号第十二条")
    body = clerk_api.get(f"/api/v1/credit-list-entries/{entry.pk}/").json()
    assert body["removal_due_on"] == "2025-10-13" and body["ground"] == "report_overdue"

    # Had it not been removed: two years after the listing, the transfer to the serious list.
    supervise(D(2027, 6, 2))
    assert not proposals(organization, ProposalKind.TRANSFER_SERIOUS).exists()
    supervise(D(2027, 6, 3))
    [transfer] = proposals(organization, ProposalKind.TRANSFER_SERIOUS)
    assert (transfer.ground, transfer.due_on) == ("abnormal_two_years", D(2027, 6, 3))
    done = clerk_api.post(
        f"{URL}{transfer.pk}/confirm/", {"decision_number": "甬民严〔2027〕1号", "date": "2027-06-03"}, format="json"
    )
    assert done.status_code == 200, done.json()
    entry.refresh_from_db()
    serious = CreditListEntry.objects.get(organization=organization, list_kind=CreditList.SERIOUS)
    assert entry.removed_on == D(2027, 6, 3) == serious.listed_on and entry.transferred_to_id == serious.pk
    assert serious.ground == CreditGround.ABNORMAL_TWO_YEARS
    assert clerk_api.get(f"/api/v1/credit-list-entries/{entry.pk}/").json()["transferred_to"] == serious.pk
    # The removal proposal about the ended abnormal listing is superseded by the next run.
    supervise(D(2027, 6, 4))
    removal.refresh_from_db()
    assert removal.status == ProposalStatus.DISMISSED


def test_a_removal_due_outside_holidays_is_five_plain_working_days():
    organization = organization_with_reports(filed={2023: D(2024, 4, 1)})
    listed(organization, on=D(2025, 6, 3))
    make_annual_report(organization, year=2024, result="", submitted_on=D(2025, 7, 1))  # a Tuesday
    supervise(D(2025, 7, 2))
    [removal] = proposals(organization, ProposalKind.REMOVE_ABNORMAL)
    assert removal.due_on == D(2025, 7, 8)


@pytest.mark.parametrize("listed_on, six_months", [(D(2025, 3, 15), D(2025, 9, 15)), (D(2025, 8, 31), D(2026, 2, 28))])
def test_a_warning_only_listing_is_proposed_for_removal_exactly_six_months_after(listed_on, six_months):
    organization = organization_with_reports(filed={2023: D(2024, 4, 1), 2024: D(2025, 4, 1), 2025: D(2026, 4, 1)})
    entry = listed(organization, ground=CreditGround.WARNING_OR_SMALL_FINE, on=listed_on)
    supervise(six_months - datetime.timedelta(days=1))
    assert not proposals(organization).exists()
    supervise(six_months)
    [removal] = proposals(organization)
    assert (removal.kind, removal.entry_id, removal.due_on) == ("remove_abnormal", entry.pk, six_months)


def test_running_twice_for_the_same_day_changes_nothing():
    organization_with_reports(filed={2023: D(2024, 4, 1)})
    warned = organization_with_reports(filed={2023: D(2024, 4, 1), 2024: D(2025, 4, 1)})
    listed(warned, ground=CreditGround.WARNING_OR_SMALL_FINE, on=D(2024, 12, 1))
    old = organization_with_reports(filed={2023: D(2024, 4, 1), 2024: D(2025, 4, 1)})
    listed(old, ground=CreditGround.UNREACHABLE, on=D(2023, 5, 1))
    first = supervise(D(2025, 6, 1))
    assert "3 new proposal" in first
    state = list(SupervisionProposal.objects.values_list("key", "status", "due_on", "last_updated"))
    records = ChangeRecord.objects.count()
    second = supervise(D(2025, 6, 1))
    assert "0 new proposal" in second and "0 superseded" in second
    assert list(SupervisionProposal.objects.values_list("key", "status", "due_on", "last_updated")) == state
    assert ChangeRecord.objects.count() == records


def open_proposals():
    return set(
        SupervisionProposal.objects.filter(status=ProposalStatus.OPEN).values_list("key", "kind", "due_on", "arises_on")
    )


def test_a_run_after_missed_days_gives_what_the_daily_runs_would_have():
    organization_with_reports(filed={2023: D(2024, 4, 1)})  # no 2024 report
    late = organization_with_reports(filed={2023: D(2024, 4, 1)})
    listed(late, on=D(2025, 6, 3))
    make_annual_report(late, year=2024, result="", submitted_on=D(2025, 9, 29))
    warned = organization_with_reports(filed={2023: D(2024, 4, 1), 2024: D(2025, 4, 1)})
    listed(warned, ground=CreditGround.WARNING_OR_SMALL_FINE, on=D(2025, 3, 15))
    old = organization_with_reports(filed={2023: D(2024, 4, 1), 2024: D(2025, 4, 1)})
    listed(old, ground=CreditGround.UNREACHABLE, on=D(2023, 8, 20))
    end = D(2025, 10, 20)

    supervise(end)
    after_gap = open_proposals()
    SupervisionProposal._base_manager.all().delete()
    day = D(2025, 5, 20)
    while day <= end:
        supervise(day)
        day += datetime.timedelta(days=1)
    assert open_proposals() == after_gap
    assert {kind for _key, kind, _due, _arises in after_gap} == {"list_abnormal", "remove_abnormal", "transfer_serious"}


def test_a_new_ground_while_listed_restarts_the_clock_and_keeps_both_grounds(clerk_api):
    organization = organization_with_reports(filed={2023: D(2024, 4, 1)})
    entry = listed(organization, ground=CreditGround.WARNING_OR_SMALL_FINE, on=D(2025, 1, 10))
    supervise(D(2025, 6, 1))
    [listing] = proposals(organization, ProposalKind.LIST_ABNORMAL)
    response = clerk_api.post(
        f"{URL}{listing.pk}/confirm/", {"decision_number": "甬民异〔2025〕9号", "date": "2025-06-05"}, format="json"
    )
    assert response.status_code == 200, response.json()
    entry.refresh_from_db()
    assert (entry.listed_on, entry.counted_from, entry.ground) == (D(2025, 1, 10), D(2025, 6, 5), "report_overdue")
    assert entry.reason.startswith("测试列入") and "甬民异〔2025〕9号" in entry.reason  # both grounds on record
    change = ChangeRecord.objects.filter(object_id=entry.pk, content_type__model="creditlistentry").first()
    assert change.changes["ground"] == ["warning_or_small_fine", "report_overdue"]
    assert CreditListEntry.objects.filter(organization=organization).count() == 1
    # No six-month removal at 10 July (the warning's clock), the transfer counts from the restart.
    supervise(D(2025, 7, 11))
    assert not proposals(organization, ProposalKind.REMOVE_ABNORMAL).exists()
    supervise(D(2027, 6, 5))
    [transfer] = proposals(organization, ProposalKind.TRANSFER_SERIOUS)
    assert transfer.due_on == D(2027, 6, 5)


def test_a_serious_listing_for_revocation_is_proposed_for_removal_at_deregistration():
    from registry.services import organization_deregister

    organization = organization_with_reports(filed={2023: D(2024, 4, 1), 2024: D(2025, 4, 1)})
    entry = listed(organization, ground=CreditGround.REVOKED_OR_CANCELLED, on=D(2025, 2, 1), kind=CreditList.SERIOUS)
    supervise(D(2025, 8, 1))
    assert not proposals(organization).exists()
    organization_deregister(organization=organization, on=D(2025, 8, 10), reason="完成注销登记", actor=None)
    supervise(D(2025, 8, 11))
    [removal] = proposals(organization)
    assert (removal.kind, removal.entry_id, removal.due_on) == ("remove_serious", entry.pk, D(2025, 8, 10))


def test_a_serious_listing_is_proposed_for_removal_two_years_after_its_clock():
    organization = organization_with_reports(filed={2023: D(2024, 4, 1), 2024: D(2025, 4, 1)})
    listed(organization, ground=CreditGround.LARGE_FINE, on=D(2024, 2, 29), kind=CreditList.SERIOUS)
    supervise(D(2026, 2, 27))
    assert not proposals(organization, ProposalKind.REMOVE_SERIOUS).exists()
    supervise(D(2026, 2, 28))
    [removal] = proposals(organization, ProposalKind.REMOVE_SERIOUS)
    assert removal.due_on == D(2026, 2, 28)


def test_an_abnormal_listing_while_on_the_serious_list_starts_the_two_years_again():
    # Art. 16: two years "with no ground for either list"; an abnormal listing on 2025-01-10 moves the
    # serious listing's removal from 2026-02-28 to 2027-01-10.
    organization = organization_with_reports(filed={2023: D(2024, 4, 1), 2024: D(2025, 4, 1)})
    listed(organization, ground=CreditGround.LARGE_FINE, on=D(2024, 2, 29), kind=CreditList.SERIOUS)
    listed(organization, ground=CreditGround.WARNING_OR_SMALL_FINE, on=D(2025, 1, 10))
    supervise(D(2026, 3, 1))
    assert not proposals(organization, ProposalKind.REMOVE_SERIOUS).exists()
    supervise(D(2027, 1, 10))
    [removal] = proposals(organization, ProposalKind.REMOVE_SERIOUS)
    assert removal.due_on == D(2027, 1, 10)
