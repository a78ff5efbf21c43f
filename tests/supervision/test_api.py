"""supervision-proposals/ and report-deadlines/ as DESIGN §7 names them: who reads, who decides, how."""

import datetime

import pytest
from django.core.management import call_command

from registry.models import CreditListEntry
from supervision.choices import ProposalStatus
from supervision.models import SupervisionProposal
from tests.conftest import make_organization
from tests.supervision.builders import listed, make_deadline, make_proposal, organization_with_reports

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-03")]
URL = "/api/v1/supervision-proposals/"
D = datetime.date
CONFIRM = {"decision_number": "甬民异〔2025〕3号", "date": "2025-06-05"}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_list_filters_by_kind_status_overdue_and_district(clerk_api):
    overdue = make_proposal(due_on=D(2025, 6, 9))
    later = make_proposal(due_on=D(2027, 1, 9))
    haishu = make_proposal(district="330203", due_on=D(2027, 1, 9))
    assert ids(clerk_api.get(URL, {"overdue": "true"})) == {overdue.pk}
    assert ids(clerk_api.get(URL, {"overdue": "false"})) == {later.pk, haishu.pk}
    assert ids(clerk_api.get(URL, {"district": "330203"})) == {haishu.pk}
    assert ids(clerk_api.get(URL, {"kind": "list_abnormal", "status": "open"})) == {overdue.pk, later.pk, haishu.pk}
    assert ids(clerk_api.get(URL, {"kind": "transfer_serious"})) == set()
    assert clerk_api.get(URL, {"overdue": "maybe"}).status_code == 400
    assert clerk_api.get(URL, {"knd": "x"}).status_code == 400
    row = clerk_api.get(f"{URL}{overdue.pk}/").json()
    assert {"kind", "organization", "ground", "basis", "due_on", "overdue", "status"} <= row.keys()


def test_proposals_are_read_only(clerk_api):
    proposal = make_proposal()
    assert clerk_api.post(URL, {}, format="json").status_code == 405
    assert clerk_api.patch(f"{URL}{proposal.pk}/", {"due_on": "2030-01-01"}, format="json").status_code == 405
    assert clerk_api.delete(f"{URL}{proposal.pk}/").status_code == 405


def test_district_decides_for_its_own_organizations_only(yinzhou_api):
    own, other = make_proposal(district="330212"), make_proposal(district="330203")
    assert ids(yinzhou_api.get(URL)) == {own.pk, other.pk}  # reads all, as every list
    refused = yinzhou_api.post(f"{URL}{other.pk}/confirm/", CONFIRM, format="json")
    assert refused.status_code == 403
    assert yinzhou_api.post(f"{URL}{other.pk}/dismiss/", {"reason": "x"}, format="json").status_code == 403
    other.refresh_from_db()
    assert other.status == ProposalStatus.OPEN and not CreditListEntry.objects.exists()
    assert yinzhou_api.post(f"{URL}{own.pk}/confirm/", CONFIRM, format="json").status_code == 200
    assert CreditListEntry.objects.get().organization_id == own.organization_id


def test_auditor_reads_but_does_not_decide(auditor_api):
    proposal = make_proposal()
    assert auditor_api.get(URL).status_code == 200
    assert auditor_api.post(f"{URL}{proposal.pk}/confirm/", CONFIRM, format="json").status_code == 403


def test_a_stale_if_match_is_412_and_confirms_nothing(clerk_api):
    proposal = make_proposal()
    etag = clerk_api.get(f"{URL}{proposal.pk}/")["ETag"]
    SupervisionProposal.objects.filter(pk=proposal.pk).update(basis="民政部令第60号第十条（更新）")
    stale = clerk_api.post(f"{URL}{proposal.pk}/confirm/", CONFIRM, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and not CreditListEntry.objects.exists()
    fresh = clerk_api.get(f"{URL}{proposal.pk}/")["ETag"]
    assert (
        clerk_api.post(f"{URL}{proposal.pk}/confirm/", CONFIRM, format="json", HTTP_IF_MATCH=fresh).status_code == 200
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"date": "2025-06-05"}, "decision_number"),
        ({"decision_number": "1号"}, "date"),
        ({"decision_number": "1号", "date": "2027-01-01"}, "date"),
        ({"decision_number": "  ", "date": "2025-06-05"}, "decision_number"),
    ],
)
def test_a_confirmation_needs_a_decision_number_and_a_past_date(clerk_api, body, field):
    proposal = make_proposal()
    response = clerk_api.post(f"{URL}{proposal.pk}/confirm/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()


def test_a_decided_proposal_is_not_decided_again(clerk_api):
    proposal = make_proposal()
    assert (
        clerk_api.post(f"{URL}{proposal.pk}/dismiss/", {"reason": "已核实：报告已纸质报送"}, format="json").status_code
        == 200
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISMISSED and proposal.dismiss_reason
    again = clerk_api.post(f"{URL}{proposal.pk}/confirm/", CONFIRM, format="json")
    assert again.status_code == 400 and "status" in again.json()
    assert clerk_api.post(f"{URL}{proposal.pk}/dismiss/", {"reason": ""}, format="json").status_code == 400


def test_bulk_confirm_is_all_or_nothing(clerk_api):
    first, second, decided = make_proposal(), make_proposal(), make_proposal()
    SupervisionProposal.objects.filter(pk=decided.pk).update(status=ProposalStatus.DISMISSED)
    body = {**CONFIRM, "ids": [first.pk, second.pk, decided.pk]}
    refused = clerk_api.post(f"{URL}confirm/", body, format="json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["id"] == decided.pk, refused.json()
    assert not CreditListEntry.objects.exists()
    assert SupervisionProposal.objects.filter(status=ProposalStatus.OPEN).count() == 2
    unknown = clerk_api.post(f"{URL}confirm/", {**CONFIRM, "ids": [first.pk, 10**9]}, format="json")
    assert unknown.status_code == 400 and "ids" in unknown.json()
    done = clerk_api.post(f"{URL}confirm/", {**CONFIRM, "ids": [first.pk, second.pk]}, format="json")
    assert done.status_code == 200, done.json()
    assert {row["status"] for row in done.json()["results"]} == {"confirmed"}
    assert CreditListEntry.objects.filter(decision_number=CONFIRM["decision_number"]).count() == 2


def test_bulk_confirm_with_another_districts_proposal_is_403_and_writes_nothing(yinzhou_api):
    own, other = make_proposal(district="330212"), make_proposal(district="330203")
    response = yinzhou_api.post(f"{URL}confirm/", {**CONFIRM, "ids": [own.pk, other.pk]}, format="json")
    assert response.status_code == 403
    assert not CreditListEntry.objects.exists()
    assert SupervisionProposal.objects.filter(status=ProposalStatus.OPEN).count() == 2


def test_list_query_count_is_constant(clerk_api, django_assert_max_num_queries):
    make_proposal()
    clerk_api.get(URL)
    for _ in range(15):
        make_proposal()
    with django_assert_max_num_queries(3):  # token (with its user's roles), count, page
        assert len(clerk_api.get(URL).json()["results"]) == 16


def test_credit_list_entries_show_removal_due_in_constant_queries(clerk_api, django_assert_max_num_queries):
    for _ in range(5):
        organization = organization_with_reports(filed={2023: D(2024, 4, 1)})
        listed(organization, on=D(2025, 6, 3))
        organization.annual_reports.create(year=2024, submitted_on=D(2025, 7, 1))
    call_command("supervise", date="2025-07-02", stdout=None)
    clerk_api.get("/api/v1/credit-list-entries/")
    with django_assert_max_num_queries(4):
        rows = clerk_api.get("/api/v1/credit-list-entries/").json()["results"]
    assert [row["removal_due_on"] for row in rows] == ["2025-07-08"] * 5
    assert {row["source"] for row in rows} == {"manual"} and {row["ground"] for row in rows} == {"report_overdue"}


def test_report_deadlines_are_set_by_clerks_per_year_and_type(clerk_api, yinzhou_api):
    url = "/api/v1/report-deadlines/"
    made = clerk_api.post(url, {"year": 2024, "org_type": "foundation", "deadline": "2025-06-30"}, format="json")
    assert made.status_code == 201, made.json()
    assert clerk_api.post(url, {"year": 2024, "deadline": "2025-05-31"}, format="json").status_code == 201
    clash = clerk_api.post(url, {"year": 2024, "org_type": "foundation", "deadline": "2025-07-31"}, format="json")
    assert clash.status_code == 400
    early = clerk_api.post(url, {"year": 2023, "deadline": "2023-12-31"}, format="json")
    assert early.status_code == 400 and "deadline" in early.json()
    assert yinzhou_api.post(url, {"year": 2022, "deadline": "2023-05-31"}, format="json").status_code == 403
    assert ids(clerk_api.get(url, {"org_type": "foundation"})) == {made.json()["id"]}


def test_a_later_deadline_for_a_type_delays_its_proposals():
    make_deadline(year=2024, org_type="foundation", deadline=D(2025, 6, 30))
    foundation = make_organization(org_type="foundation", registered_on=D(2024, 5, 1))
    group = make_organization(registered_on=D(2024, 5, 1))
    call_command("supervise", date="2025-06-01", stdout=None)
    assert set(SupervisionProposal.objects.values_list("organization_id", flat=True)) == {group.pk}
    call_command("supervise", date="2025-07-01", stdout=None)
    assert set(SupervisionProposal.objects.values_list("organization_id", flat=True)) == {group.pk, foundation.pk}


def test_an_organization_registered_after_the_year_or_ended_before_the_deadline_owes_nothing():
    from registry.services import organization_deregister

    make_organization(registered_on=D(2025, 1, 2))
    ended = make_organization(registered_on=D(2020, 1, 2))
    organization_deregister(organization=ended, on=D(2025, 5, 30), reason="注销", actor=None)
    ended_after = make_organization(registered_on=D(2020, 1, 2))
    organization_deregister(organization=ended_after, on=D(2025, 5, 31), reason="注销", actor=None)
    call_command("supervise", date="2025-06-01", stdout=None)
    owed = set(SupervisionProposal.objects.filter(report_year=2024).values_list("organization_id", flat=True))
    assert owed == {ended_after.pk}


def test_stats_count_reports_listings_and_proposals(clerk_api):
    organization_with_reports(filed={2024: D(2025, 5, 2)})
    late = organization_with_reports(filed={2024: D(2025, 6, 20)})
    organization_with_reports()  # none for 2024
    listed(late, on=D(2025, 6, 3))
    call_command("supervise", date="2025-07-01", stdout=None)
    figures = clerk_api.get("/api/v1/stats/", {"as_of": "2025-07-01"}).json()["supervision"]
    assert figures["report_year"] == 2024
    assert figures["reports"] == {"due": 3, "filed": 2, "overdue": 2}
    assert (figures["abnormal_list"], figures["serious_list"]) == (1, 0)
    # list_abnormal for the two late ones (2024; 2023 was owed too by all three) and the removal of `late`.
    assert figures["proposals"]["open"] == SupervisionProposal.objects.filter(arises_on__lte=D(2025, 7, 1)).count()
    assert figures["proposals"]["overdue"] >= 2
    assert clerk_api.get("/api/v1/stats/", {"as_of": "2025-07-01", "district": "330203"}).json()["supervision"][
        "reports"
    ] == {"due": 0, "filed": 0, "overdue": 0}
