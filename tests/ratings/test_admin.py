"""The ratings admin, in Chinese: ratings on the organization page, the ratings list and its actions, honours."""

import datetime

import pytest

from core.choices import Role
from ratings.choices import RevocationGround
from ratings.models import Evaluation, Honour
from tests.conftest import make_organization, make_user
from tests.exports.builders import read_csv
from tests.ratings.builders import filed_last_years_report, make_evaluation, years_ago
from tests.registry.builders import make_filing

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-06-01")]  # rules stated on fixed dates (DESIGN §2)
LIST = "/admin/ratings/evaluation/"
D = datetime.date


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


@pytest.fixture
def auditor_browser(client):
    client.force_login(make_user(Role.AUDITOR))
    return client


def test_organization_page_shows_its_ratings_and_honours_in_chinese(clerk_browser):
    evaluation = make_evaluation(grade=4, concluded_on=D(2024, 3, 1))
    Honour.objects.create(kind="provincial_brand", year=2022, organization=evaluation.organization)
    page = clerk_browser.get(f"/admin/registry/organization/{evaluation.organization_id}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "评估等级" in text and "4A" in text and "2029年2月28日" in text and "有效" in text
    assert "省级品牌社会组织" in text
    assert f"/admin/ratings/evaluation/add/?organization={evaluation.organization_id}" in text


def test_organizations_list_shows_and_filters_the_current_grade(clerk_browser):
    rated = make_evaluation(grade=5, concluded_on=D(2024, 3, 1)).organization
    unrated = make_organization()
    page = clerk_browser.get("/admin/registry/organization/", {"grade": "5"})
    text = page.content.decode()
    assert page.status_code == 200 and rated.name in text and unrated.name not in text and "当前评估等级" in text
    none = clerk_browser.get("/admin/registry/organization/", {"grade": "none"}).content.decode()
    assert unrated.name in none and rated.name not in none


def test_clerk_concludes_a_rating_in_the_admin(clerk_browser):
    organization = make_organization(registered_on=D(2015, 1, 1))
    filed_last_years_report(organization, D(2024, 3, 1))
    form = clerk_browser.get(f"{LIST}add/", {"organization": organization.pk})
    assert form.status_code == 200
    response = clerk_browser.post(
        f"{LIST}add/",
        {
            "organization": organization.pk,
            "grade": "5",
            "score": "950",
            "max_score": "1000",
            "concluded_on": "2024-03-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    evaluation = Evaluation.objects.get(organization=organization)
    assert evaluation.grade == 5 and evaluation.valid_until == D(2029, 2, 28)
    assert (evaluation.score, evaluation.max_score) == (950, 1000)


def test_revoke_action_asks_date_ground_and_reason_then_applies(clerk_browser):
    evaluation = make_evaluation(grade=5, concluded_on=D(2024, 3, 1))
    ask = clerk_browser.post(LIST, {"action": "evaluation_revoke", "_selected_action": [evaluation.pk]})
    text = ask.content.decode()
    assert ask.status_code == 200 and "取消事由" in text and "理由" in text
    done = clerk_browser.post(
        LIST,
        {
            "action": "evaluation_revoke",
            "_selected_action": [evaluation.pk],
            "apply": "1",
            "date": "2025-05-01",
            "ground": RevocationGround.CERTIFICATE_MISUSE,
            "reason": "出借评估等级证书",
        },
    )
    assert done.status_code in (200, 302)
    evaluation.refresh_from_db()
    assert evaluation.revoked_on == D(2025, 5, 1) and evaluation.revocation_reason == "出借评估等级证书"


def test_revoke_action_refused_by_the_rules_changes_nothing_and_says_why(clerk_browser):
    evaluation = make_evaluation(grade=5, concluded_on=D(2024, 3, 1))
    response = clerk_browser.post(
        LIST,
        {
            "action": "evaluation_revoke",
            "_selected_action": [evaluation.pk],
            "apply": "1",
            "date": "2023-05-01",
            "ground": RevocationGround.OTHER,
            "reason": "x",
        },
        follow=True,
    )
    assert "晚于所填日期" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.revoked_on is None


def test_lower_action_concludes_the_lower_rating(clerk_browser):
    evaluation = make_evaluation(grade=5, concluded_on=D(2024, 3, 1))
    clerk_browser.post(
        LIST,
        {
            "action": "evaluation_downgrade",
            "_selected_action": [evaluation.pk],
            "apply": "1",
            "date": "2025-05-01",
            "grade": "3",
            "ground": RevocationGround.PENALTY,
            "reason": "受到行政处罚",
        },
    )
    lower = Evaluation.objects.get(downgraded_from=evaluation)
    assert lower.grade == 3 and lower.valid_until == D(2029, 2, 28)


def test_auditor_reads_ratings_but_cannot_act(auditor_browser):
    evaluation = make_evaluation()
    assert auditor_browser.get(LIST).status_code == 200
    assert auditor_browser.get(f"{LIST}{evaluation.pk}/change/").status_code == 200
    assert auditor_browser.get(f"{LIST}add/").status_code == 403
    auditor_browser.post(
        LIST,
        {
            "action": "evaluation_revoke",
            "_selected_action": [evaluation.pk],
            "apply": "1",
            "date": "2025-05-01",
            "ground": "other",
            "reason": "x",
        },
    )
    evaluation.refresh_from_db()
    assert evaluation.revoked_on is None


def test_honours_admin_lists_and_adds(clerk_browser):
    organization = make_organization()
    assert clerk_browser.get("/admin/ratings/honour/").status_code == 200
    response = clerk_browser.post(
        "/admin/ratings/honour/add/",
        {"kind": "national_advanced", "year": "2021", "organization": organization.pk, "issuing_body": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Honour.objects.get(kind="national_advanced").issuing_body == "民政部"


def test_honours_admin_withdraws_and_reinstates(clerk_browser):
    honour = Honour.objects.create(kind="provincial_brand", year=2021, organization=make_organization())
    honours = "/admin/ratings/honour/"
    ask = clerk_browser.post(honours, {"action": "honour_withdraw", "_selected_action": [honour.pk]})
    assert ask.status_code == 200 and "撤销荣誉" in ask.content.decode()
    done = clerk_browser.post(
        honours,
        {
            "action": "honour_withdraw",
            "_selected_action": [honour.pk],
            "apply": "1",
            "date": "2023-06-30",
            "reason": "撤销品牌称号",
        },
    )
    assert done.status_code in (200, 302)
    honour.refresh_from_db()
    assert honour.withdrawn_on == D(2023, 6, 30) and honour.withdrawal_reason == "撤销品牌称号"
    listed = clerk_browser.get(honours, {"withdrawn_on__isempty": "0"}).content.decode()
    assert "撤销日期" in listed and "2023" in listed
    clerk_browser.post(
        honours,
        {"action": "honour_reinstate", "_selected_action": [honour.pk], "apply": "1", "reason": "误撤销"},
    )
    honour.refresh_from_db()
    assert honour.withdrawn_on is None and honour.withdrawal_reason == ""


def test_clerk_corrects_the_score_but_not_the_grade_in_the_admin(clerk_browser):
    evaluation = make_evaluation(grade=4, concluded_on=D(2024, 3, 1))
    response = clerk_browser.post(
        f"{LIST}{evaluation.pk}/change/", {"score": "915.50", "max_score": "1000", "grade": "5"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    evaluation.refresh_from_db()
    assert str(evaluation.score) == "915.50" and evaluation.grade == 4


def test_filing_page_shows_its_three_hundred_best_honours(clerk_browser):
    filing = make_filing()
    Honour.objects.create(kind="city_three_hundred_best", year=2022, community_organization=filing, title="百佳项目")
    page = clerk_browser.get(f"/admin/registry/communityorganization/{filing.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "百佳项目" in text and "三个百佳" in text


def test_add_pages_of_organizations_and_filings_carry_no_ratings_or_honours_lists(clerk_browser):
    for url in ("/admin/registry/organization/add/", "/admin/registry/communityorganization/add/"):
        page = clerk_browser.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "evaluations-TOTAL_FORMS" not in text and "honours-TOTAL_FORMS" not in text


def test_admin_exports_the_90_day_worklist(clerk_browser):
    soon = make_evaluation(grade=3, concluded_on=years_ago(5, days=-30))
    make_evaluation(grade=4, concluded_on=years_ago(3))
    rows = read_csv(clerk_browser.get(f"{LIST}export/csv/", {"expires_within": "90"}))
    assert len(rows) == 2 and soon.organization.uscc in rows[1] and "3A" in rows[1]


def test_a_rating_concluded_from_the_organizations_page_returns_there(clerk_browser):
    organization = make_organization(registered_on=D(2015, 1, 1))
    filed_last_years_report(organization, D(2024, 3, 1))
    data = {"organization": organization.pk, "grade": "4", "score": "865", "max_score": "1000"}
    response = clerk_browser.post(
        f"{LIST}add/?organization={organization.pk}", {**data, "concluded_on": "2024-03-01"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/admin/registry/organization/{organization.pk}/change/"
    evaluation = Evaluation.objects.get(organization=organization)
    (message,) = [str(message) for message in response.context["messages"]]
    assert message.startswith("成功添加了 评估等级") and str(evaluation) in message
    another = make_organization(registered_on=D(2015, 1, 1))
    filed_last_years_report(another, D(2024, 3, 1))
    elsewhere = clerk_browser.post(f"{LIST}add/", {**data, "organization": another.pk, "concluded_on": "2024-03-01"})
    assert elsewhere["Location"] == LIST  # added from the ratings list: back to the list, as before


def test_ratings_list_newest_first_with_a_date_range_instead_of_the_year_bar(clerk_browser):
    older = make_evaluation(grade=3, concluded_on=D(2019, 3, 1))
    newer = make_evaluation(grade=4, concluded_on=D(2024, 3, 1))
    text = clerk_browser.get(LIST).content.decode()
    assert text.index(str(newer.organization)) < text.index(str(older.organization))
    assert "concluded_on__year=" not in text and 'name="concluded_on__gte"' in text
    text = clerk_browser.get(LIST, {"concluded_on__gte": "2020-01-01"}).content.decode()
    assert str(newer.organization) in text and str(older.organization) not in text
