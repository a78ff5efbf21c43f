"""evaluation-rounds/, evaluation-applications/ and objections/ (DESIGN §8): the statutory steps through the API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import ChangeRecord
from evaluations.choices import ApplicationStatus
from evaluations.models import EvaluationApplication
from ratings.models import Evaluation
from registry.choices import CITY_CODE, CreditList
from tests.conftest import make_organization
from tests.evaluations.builders import eligible_organization, make_application, make_objection, make_round
from tests.ratings.builders import filed_last_years_report, make_evaluation, years_ago
from tests.registry.builders import make_credit_entry

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-07-01")]
ROUNDS = "/api/v1/evaluation-rounds/"
APPLICATIONS = "/api/v1/evaluation-applications/"
OBJECTIONS = "/api/v1/objections/"
D = datetime.date


def post(client, url, body, **headers):
    return client.post(url, body, format="json", **headers)


def test_a_round_runs_from_application_to_rating_through_the_api_alone(clerk_api):
    organization = make_organization(registered_by_id=CITY_CODE, registered_on=D(2020, 1, 1))
    filed_last_years_report(organization, D(2026, 3, 10))
    made = post(
        clerk_api,
        ROUNDS,
        {
            "year": 2026,
            "name": "2026年度市级社会组织评估",
            "authority": CITY_CODE,
            "min_score_5a": "950",
            "min_score_4a": "900",
            "min_score_3a": "850",
            "min_score_2a": "800",
            "min_score_1a": "750",
            "applications_from": "2026-03-01",
            "applications_until": "2026-03-31",
        },
    )
    assert made.status_code == 201, made.json()
    round_ = made.json()
    assert round_["max_score"] == 1000 and round_["public_notice_days"] == 7

    applied = post(
        clerk_api, APPLICATIONS, {"round": round_["id"], "organization": organization.pk, "applied_on": "2026-03-02"}
    )
    assert applied.status_code == 201, applied.json()
    url = f"{APPLICATIONS}{applied.json()['id']}/"
    assert applied.json()["status"] == ApplicationStatus.APPLIED

    accepted = post(clerk_api, f"{url}accept/", {"date": "2026-03-10"}, HTTP_IF_MATCH=applied["ETag"])
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted" and accepted.json()["eligibility_reasons"] == []

    scored = post(clerk_api, f"{url}score/", {"score": "930", "date": "2026-04-01"})
    assert scored.status_code == 200, scored.json()
    assert scored.json()["score"] == "930.00" and scored.json()["proposed_grade"] == 4 and scored.json()["grade"] == 4

    published = post(clerk_api, f"{url}publish/", {"date": "2026-05-04"})  # D
    assert published.status_code == 200, published.json()
    assert published.json()["notice_from"] == "2026-05-04" and published.json()["notice_until"] == "2026-05-10"

    application = published.json()["id"]
    in_time = post(clerk_api, OBJECTIONS, {"application": application, "filed_on": "2026-05-06", "grounds": "得分偏低"})
    assert in_time.status_code == 201, in_time.json()  # D + 2
    assert in_time.json()["decision_due_on"] == "2026-05-21" and in_time.json()["overdue"] is True
    too_late = post(clerk_api, OBJECTIONS, {"application": application, "filed_on": "2026-06-03", "grounds": "迟到"})
    assert too_late.status_code == 400 and "filed_on" in too_late.json()  # D + 30

    blocked = post(clerk_api, f"{url}conclude/", {"date": "2026-05-20"})
    assert blocked.status_code == 400 and "objections" in blocked.json()
    decided = post(
        clerk_api, f"{OBJECTIONS}{in_time.json()['id']}/decide/", {"date": "2026-05-15", "decision": "复核维持4A"}
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["decided_on"] == "2026-05-15" and decided.json()["overdue"] is False

    concluded = post(clerk_api, f"{url}conclude/", {"date": "2026-05-20"})
    assert concluded.status_code == 200, concluded.json()
    assert concluded.json()["status"] == "concluded" and concluded.json()["concluded_on"] == "2026-05-20"
    rating = Evaluation.objects.get(pk=concluded.json()["evaluation"])
    assert (rating.grade, rating.score, rating.max_score) == (4, 930, 1000)
    detail = clerk_api.get(f"/api/v1/organizations/{organization.pk}/").json()
    assert detail["current_grade"] == 4 and detail["grade_valid_until"] == "2031-05-19"
    history = ChangeRecord.objects.filter(object_id=applied.json()["id"], content_type__model="evaluationapplication")
    assert history.count() == 5  # applied, accepted, scored, published, concluded


def test_conclusion_supersedes_the_previous_rating_as_the_ratings_rules_say(clerk_api):
    organization = eligible_organization(registered_on=D(2010, 1, 1))
    old = make_evaluation(organization, grade=3, concluded_on=D(2017, 6, 1))  # lapsed 2022-05-31
    application = make_application(organization, status=ApplicationStatus.PUBLIC_NOTICE)
    response = post(clerk_api, f"{APPLICATIONS}{application.pk}/conclude/", {"date": "2023-05-10"})
    assert response.status_code == 200, response.json()
    new = Evaluation.objects.get(pk=response.json()["evaluation"])
    assert new.grade == 5 and new.valid_until == D(2028, 5, 9)
    assert old.status_on(D(2023, 5, 10)) == "expired"


def accept(client, organization):
    round_ = make_round(organization.registered_by_id, year=2026)
    application = EvaluationApplication.objects.create(
        round=round_, organization=organization, applied_on=D(2026, 3, 2)
    )
    return post(client, f"{APPLICATIONS}{application.pk}/accept/", {"date": "2026-03-10"}), application


def test_an_organization_registered_one_year_ago_is_refused_at_accept_naming_article_6_1(clerk_api):
    organization = make_organization(registered_by_id=CITY_CODE, registered_on=years_ago(1))
    filed_last_years_report(organization, D(2026, 3, 10))
    response, application = accept(clerk_api, organization)
    assert response.status_code == 400
    reasons = response.json()["eligibility"]
    assert any("第六条第（一）项" in reason for reason in reasons), reasons
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPLIED


def test_an_organization_with_a_valid_grade_is_refused_at_accept_naming_article_6_2(clerk_api):
    organization = eligible_organization(on=D(2026, 3, 10))
    make_evaluation(organization, grade=4, concluded_on=D(2024, 3, 1))
    response, _ = accept(clerk_api, organization)
    assert response.status_code == 400
    reasons = response.json()["eligibility"]
    assert [reason for reason in reasons if "第六条第（二）项" in reason and "2029-02-28" in reason], reasons


def test_an_organization_on_the_abnormal_list_is_refused_at_accept_naming_the_rule(clerk_api):
    organization = eligible_organization(on=D(2026, 3, 10))
    make_credit_entry(organization, kind=CreditList.ABNORMAL, listed_on=D(2025, 9, 1))
    response, _ = accept(clerk_api, organization)
    assert response.status_code == 400
    reasons = response.json()["eligibility"]
    assert [reason for reason in reasons if "全国性社会组织评估管理规定" in reason and "2025-09-01" in reason], reasons


def test_a_refused_organization_is_accepted_only_with_a_recorded_reason(clerk_api):
    organization = eligible_organization(on=D(2026, 3, 10))
    make_credit_entry(organization, kind=CreditList.ABNORMAL, listed_on=D(2025, 9, 1))
    response, application = accept(clerk_api, organization)
    assert response.status_code == 400 and "override_reason" in response.json()
    overridden = post(
        clerk_api,
        f"{APPLICATIONS}{application.pk}/accept/",
        {"date": "2026-03-10", "override_reason": "已于2026年3月5日移出异常名录，信息未同步"},
    )
    assert overridden.status_code == 200, overridden.json()
    body = overridden.json()
    assert body["status"] == "accepted" and body["acceptance_reason"].startswith("已于")
    assert len(body["eligibility_reasons"]) == 1


def test_refuse_records_the_eligibility_reasons(clerk_api):
    organization = make_organization(registered_by_id=CITY_CODE, registered_on=years_ago(1))
    _, application = accept(clerk_api, organization)
    response = post(clerk_api, f"{APPLICATIONS}{application.pk}/refuse/", {"date": "2026-03-10"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "refused" and response.json()["eligibility_reasons"]


def test_a_step_out_of_order_is_a_400_naming_the_current_status(clerk_api):
    application = make_application(status=ApplicationStatus.ACCEPTED)
    response = post(clerk_api, f"{APPLICATIONS}{application.pk}/publish/", {"date": "2023-05-01"})
    assert response.status_code == 400
    assert "已受理" in response.json()["status"][0]
    concluded = make_application(status=ApplicationStatus.CONCLUDED)
    response = post(clerk_api, f"{APPLICATIONS}{concluded.pk}/withdraw/", {"date": "2023-06-01", "reason": "撤回"})
    assert response.status_code == 400 and "已完成" in response.json()["status"][0]


def test_a_stale_if_match_is_a_412_and_changes_nothing(clerk_api):
    application = make_application()
    etag = clerk_api.get(f"{APPLICATIONS}{application.pk}/")["ETag"]
    post(clerk_api, f"{APPLICATIONS}{application.pk}/withdraw/", {"date": "2023-03-05", "reason": "撤回"})
    other = make_application()
    response = post(clerk_api, f"{APPLICATIONS}{other.pk}/accept/", {"date": "2023-03-10"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    other.refresh_from_db()
    assert other.status == ApplicationStatus.APPLIED


def test_a_lower_grade_than_the_thresholds_give_needs_a_reason_and_a_higher_one_is_refused(clerk_api):
    application = make_application(status=ApplicationStatus.ACCEPTED)
    url = f"{APPLICATIONS}{application.pk}/score/"
    assert post(clerk_api, url, {"score": "930", "date": "2023-04-01", "grade": 4}).status_code == 400
    higher = post(clerk_api, url, {"score": "850", "date": "2023-04-01", "grade": 5})
    assert higher.status_code == 400 and "grade" in higher.json()
    lower = post(clerk_api, url, {"score": "930", "date": "2023-04-01", "grade": 4, "grade_reason": "财务审计有瑕疵"})
    assert lower.status_code == 200, lower.json()
    assert lower.json()["proposed_grade"] == 5 and lower.json()["grade"] == 4


def test_a_district_client_runs_its_own_organizations_and_gets_403_elsewhere(yinzhou_api, haishu_api):
    application = make_application(district="330212")
    accepted = post(yinzhou_api, f"{APPLICATIONS}{application.pk}/accept/", {"date": "2023-03-10"})
    assert accepted.status_code == 200, accepted.json()
    foreign = post(haishu_api, f"{APPLICATIONS}{application.pk}/score/", {"score": "930", "date": "2023-04-01"})
    assert foreign.status_code == 403
    city = make_application()
    assert post(yinzhou_api, f"{APPLICATIONS}{city.pk}/accept/", {"date": "2023-03-10"}).status_code == 403


def test_an_organization_applies_only_to_a_round_of_the_authority_that_registered_it(clerk_api):
    organization = eligible_organization("330212")
    city_round = make_round(CITY_CODE)
    response = post(
        clerk_api, APPLICATIONS, {"round": city_round.pk, "organization": organization.pk, "applied_on": "2023-03-01"}
    )
    assert response.status_code == 400 and "round" in response.json()


def test_objections_filter_overdue_and_undecided(clerk_api):
    overdue = make_objection()
    decided = make_objection()
    post(clerk_api, f"{OBJECTIONS}{decided.pk}/decide/", {"date": "2023-05-10", "decision": "维持"})
    rows = clerk_api.get(OBJECTIONS, {"overdue": "true"}).json()["results"]
    assert [row["id"] for row in rows] == [overdue.pk]
    rows = clerk_api.get(OBJECTIONS, {"decided": "true"}).json()["results"]
    assert [row["id"] for row in rows] == [decided.pk]


@pytest.mark.parametrize(
    "url", [ROUNDS, APPLICATIONS, OBJECTIONS], ids=["evaluation-rounds", "evaluation-applications", "objections"]
)
def test_list_query_count_is_constant(clerk_api, url):
    make_objection()
    clerk_api.get(url)
    with CaptureQueriesContext(connection) as one:
        assert clerk_api.get(url).status_code == 200
    for _ in range(5):
        make_objection()
    with CaptureQueriesContext(connection) as more:
        assert clerk_api.get(url).status_code == 200
    assert len(one) == len(more)
    assert len(more) <= 5, [q["sql"] for q in more.captured_queries]


@pytest.mark.parametrize("url", [ROUNDS, APPLICATIONS, OBJECTIONS])
def test_exports_stream_the_whole_list_in_a_constant_number_of_queries(clerk_api, url):
    make_objection()
    clerk_api.get(url)
    with CaptureQueriesContext(connection) as one:
        first = clerk_api.get(url, {"format": "csv"})
        assert first.status_code == 200 and b"".join(first.streaming_content)
    for _ in range(5):
        make_objection()
    with CaptureQueriesContext(connection) as more:
        body = b"".join(clerk_api.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert len(body.strip().splitlines()) == 7  # a header, then one row per record (each objection has its own round)
    assert len(one) == len(more)


def test_the_date_of_application_is_corrected_only_before_the_examination(clerk_api):
    applied = make_application()
    assert (
        clerk_api.patch(f"{APPLICATIONS}{applied.pk}/", {"applied_on": "2023-03-02"}, format="json").status_code == 200
    )
    accepted = make_application(status=ApplicationStatus.ACCEPTED)
    response = clerk_api.patch(f"{APPLICATIONS}{accepted.pk}/", {"applied_on": "2023-03-02"}, format="json")
    assert response.status_code == 400 and "applied_on" in response.json()


def test_a_round_with_applications_keeps_its_authority(clerk_api):
    application = make_application()
    response = clerk_api.patch(f"{ROUNDS}{application.round_id}/", {"authority": "330212"}, format="json")
    assert response.status_code == 400 and "authority" in response.json()
    assert clerk_api.patch(f"{ROUNDS}{make_round().pk}/", {"authority": "330212"}, format="json").status_code == 200


def test_the_worklist_of_each_step_is_a_filter(clerk_api):
    applied = make_application()
    in_notice = make_application(status=ApplicationStatus.PUBLIC_NOTICE)  # notice ended 2023-05-07

    def ids(**params):
        return [row["id"] for row in clerk_api.get(APPLICATIONS, params).json()["results"]]

    assert ids(waiting_on="accept") == [applied.pk]
    assert ids(waiting_on="conclude") == [in_notice.pk] and ids(waiting_on="notice") == []
    assert clerk_api.get(APPLICATIONS, {"waiting_on": "tomorrow"}).status_code == 400
