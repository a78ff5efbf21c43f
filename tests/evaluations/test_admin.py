"""The evaluation procedure in the admin (Chinese): the round's page, bulk steps with confirmation, the
printable public-notice list and certificates, the worklists."""

import datetime

import pytest

from core.choices import Role
from evaluations.choices import ApplicationStatus
from evaluations.models import EvaluationApplication
from tests.conftest import make_user
from tests.evaluations.builders import eligible_organization, make_application, make_objection, make_round

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-06-01")]
ROUNDS = "/admin/evaluations/evaluationround/"
APPLICATIONS = "/admin/evaluations/evaluationapplication/"
OBJECTIONS = "/admin/evaluations/objection/"


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


@pytest.fixture
def auditor_browser(client):
    client.force_login(make_user(Role.AUDITOR))
    return client


def round_with_every_status():
    round_ = make_round()
    for status in [*ApplicationStatus.values, ApplicationStatus.APPLIED]:
        make_application(eligible_organization(), round_, status=status)
    return round_


def test_the_round_page_counts_its_applications_by_status(auditor_browser):
    round_ = round_with_every_status()
    page = auditor_browser.get(f"{ROUNDS}{round_.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "按状态统计的评估申请" in text and "公示名单（打印）" in text and "本批次证书（打印）" in text
    numbers = {label: count for label, count, _url in page.context["status_counts"]}
    assert numbers["已申请"] == 2 and numbers["已完成"] == 1 and numbers["公示中"] == 1 and numbers["已撤回"] == 1


def test_a_bulk_accept_asks_for_confirmation_then_accepts_every_selected_application(clerk_browser):
    applications = [make_application() for _ in range(2)]
    selected = [application.pk for application in applications]
    ask = clerk_browser.post(APPLICATIONS, {"action": "accept", "_selected_action": selected})
    assert ask.status_code == 200 and "受理所选评估申请" in ask.content.decode()
    assert {a.status for a in EvaluationApplication.objects.filter(pk__in=selected)} == {ApplicationStatus.APPLIED}
    done = clerk_browser.post(
        APPLICATIONS, {"action": "accept", "_selected_action": selected, "apply": "1", "date": "2023-03-10"}
    )
    assert done.status_code == 302
    assert {a.status for a in EvaluationApplication.objects.filter(pk__in=selected)} == {ApplicationStatus.ACCEPTED}


def test_a_bulk_conclude_is_all_or_nothing_and_names_the_application_refused(clerk_browser):
    ready = make_application(status=ApplicationStatus.PUBLIC_NOTICE)
    blocked = make_objection().application
    response = clerk_browser.post(
        APPLICATIONS,
        {"action": "conclude", "_selected_action": [ready.pk, blocked.pk], "apply": "1", "date": "2023-05-20"},
    )
    assert response.status_code == 200 and "尚未作出复核决定" in response.content.decode()
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.PUBLIC_NOTICE and ready.evaluation_id is None
    done = clerk_browser.post(
        APPLICATIONS, {"action": "conclude", "_selected_action": [ready.pk], "apply": "1", "date": "2023-05-20"}
    )
    assert done.status_code == 302
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.CONCLUDED and ready.evaluation.grade == 5


def test_a_bulk_publish_sets_the_notice_period(clerk_browser):
    application = make_application(status=ApplicationStatus.SCORED)
    clerk_browser.post(
        APPLICATIONS, {"action": "publish", "_selected_action": [application.pk], "apply": "1", "date": "2023-05-01"}
    )
    application.refresh_from_db()
    assert (application.notice_from, application.notice_until) == (datetime.date(2023, 5, 1), datetime.date(2023, 5, 7))


def test_the_public_notice_list_is_printable_in_chinese(auditor_browser):
    round_ = make_round()
    shown = make_application(eligible_organization(name="公示测试协会"), round_, status=ApplicationStatus.PUBLIC_NOTICE)
    make_application(eligible_organization(name="未公示测试协会"), round_, status=ApplicationStatus.ACCEPTED)
    page = auditor_browser.get(f"{ROUNDS}{round_.pk}/notice-list/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "评估结果公示名单" in text and "公示测试协会" in text and "未公示测试协会" not in text
    assert shown.organization.uscc in text and "930.00" in text and "5A" in text and "2023年5月7日" in text
    assert "notice-list.css" in text


def test_the_certificates_of_a_round_print_one_page_each(auditor_browser):
    round_ = make_round()
    for _ in range(2):
        make_application(eligible_organization(), round_, status=ApplicationStatus.CONCLUDED)
    make_application(eligible_organization(), round_, status=ApplicationStatus.SCORED)
    page = auditor_browser.get(f"{ROUNDS}{round_.pk}/certificates/")
    assert page.status_code == 200
    assert page.content.decode().count('<section class="certificate">') == 2


def test_the_worklists_show_what_waits_on_each_step(clerk_browser):
    make_application()
    make_application(status=ApplicationStatus.SCORED)
    make_objection()  # filed 2023-05-03, due 2023-05-18: overdue today
    page = clerk_browser.get(APPLICATIONS)
    worklists = page.context["worklists"]
    assert worklists["waiting"]["to_accept"] == 1 and worklists["waiting"]["to_publish"] == 1
    assert worklists["waiting"]["to_conclude"] == 1 and worklists["objections"]["overdue"] == 1
    assert "待受理" in page.content.decode() and "有效期90天内届满的评估等级：邀请申报" in page.content.decode()
    waiting = clerk_browser.get(APPLICATIONS, {"waiting_on": "publish"})
    assert len(waiting.context["cl"].result_list) == 1
    overdue = clerk_browser.get(OBJECTIONS, {"review": "overdue"})
    assert overdue.status_code == 200 and len(overdue.context["cl"].result_list) == 1


def test_auditors_cannot_run_the_steps(auditor_browser):
    application = make_application()
    auditor_browser.post(
        APPLICATIONS, {"action": "accept", "_selected_action": [application.pk], "apply": "1", "date": "2023-03-10"}
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPLIED


def test_a_clerk_records_an_application_and_a_wrong_round_is_refused_on_the_form(clerk_browser):
    organization = eligible_organization()
    city_round, district_round = make_round(), make_round("330212")
    assert clerk_browser.get(f"{APPLICATIONS}add/").status_code == 200
    refused = clerk_browser.post(
        f"{APPLICATIONS}add/",
        {"round": district_round.pk, "organization": organization.pk, "applied_on": "2023-03-01"},
    )
    assert refused.status_code == 200 and "民政部令第39号第五条" in refused.content.decode()
    saved = clerk_browser.post(
        f"{APPLICATIONS}add/", {"round": city_round.pk, "organization": organization.pk, "applied_on": "2023-03-01"}
    )
    assert saved.status_code == 302
    application = EvaluationApplication.objects.get(organization=organization)
    assert application.status == ApplicationStatus.APPLIED
    page = clerk_browser.get(f"{APPLICATIONS}{application.pk}/change/")
    assert page.status_code == 200 and "已申请" in page.content.decode()


def test_a_clerk_records_an_objection_only_within_the_public_notice(clerk_browser):
    application = make_application(status=ApplicationStatus.PUBLIC_NOTICE)  # notice 2023-05-01 to 2023-05-07
    late = clerk_browser.post(
        f"{OBJECTIONS}add/", {"application": application.pk, "filed_on": "2023-05-09", "grounds": "得分偏低"}
    )
    assert late.status_code == 200 and "公示期内" in late.content.decode()
    saved = clerk_browser.post(
        f"{OBJECTIONS}add/", {"application": application.pk, "filed_on": "2023-05-05", "grounds": "得分偏低"}
    )
    assert saved.status_code == 302
    objection = application.objections.get()
    assert objection.decision_due_on == datetime.date(2023, 5, 20)
    clerk_browser.post(
        OBJECTIONS,
        {
            "action": "decide",
            "_selected_action": [objection.pk],
            "apply": "1",
            "date": "2023-05-12",
            "decision": "维持",
        },
    )
    objection.refresh_from_db()
    assert objection.decided_on == datetime.date(2023, 5, 12) and objection.decision == "维持"
