"""The public register's pages (DESIGN §11): no login, Chinese, public facts only, cacheable."""

import datetime

import pytest

from public import selectors
from ratings.choices import RevocationGround
from ratings.models import Evaluation
from registry.choices import CreditList
from tests.conftest import make_organization
from tests.public.builders import list_organization, make_rated_organization
from tests.registry.builders import make_annual_report, make_filing

pytestmark = [pytest.mark.django_db, pytest.mark.today("2024-05-10")]


def test_search_by_name_fragment_lists_status_and_grade(client):
    organization, _ = make_rated_organization(name="宁波市海曙区青年志愿者协会", grade=4)
    response = client.get("/public/", {"q": "志愿"})
    assert response.status_code == 200
    page = response.content.decode()
    assert organization.name in page and organization.uscc in page
    assert "4A" in page and organization.get_status_display() in page


def test_search_by_full_credit_code(client):
    organization = make_organization(name="宁波市某某研究会")
    response = client.get("/public/", {"q": organization.uscc.lower()})
    assert organization.name in response.content.decode()


def test_a_one_character_search_asks_for_more_without_an_error(client):
    make_organization(name="宁波市围棋协会")
    response = client.get("/public/", {"q": "棋"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "至少 2 个字" in page and "宁波市围棋协会" not in page


def test_results_are_paginated(client):
    for n in range(25):
        make_organization(name=f"宁波市分页测试协会{n:02d}")
    first = client.get("/public/", {"q": "分页测试"}).content.decode()
    second = client.get("/public/", {"q": "分页测试", "page": "2"}).content.decode()
    assert first.count("宁波市分页测试协会") == selectors_page_size() and "共 25 条" in first
    assert "宁波市分页测试协会24" in second
    assert client.get("/public/", {"q": "分页测试", "page": "x"}).status_code == 200


def selectors_page_size():
    from public.views import PAGE_SIZE

    return PAGE_SIZE


def test_organization_page_shows_the_public_facts_and_no_phone(client):
    organization, evaluation = make_rated_organization(
        name="宁波市公示测试协会", phone="13912345678", address="海曙区某路1号", supervising_unit="宁波市科协"
    )
    list_organization(organization, reason="未按规定报送年度工作报告")
    page = client.get(f"/public/organizations/{organization.uscc}/").content.decode()
    for fact in [
        organization.uscc,
        "张三",
        "宁波市科协",
        "4A",
        "2027-05-31",
        "未按规定报送年度工作报告",
        "活动异常名录",
    ]:
        assert fact in page, fact
    assert "13912345678" not in page and "139****5678" not in page and "某路1号" not in page
    assert f"/public/certificates/{evaluation.pk}/" in page


def test_pages_are_chinese_for_an_english_browser(client):
    organization = make_organization()
    page = client.get(f"/public/organizations/{organization.uscc}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "社会团体" in page and 'lang="zh-Hans"' in page


def test_an_organization_not_public_is_absent_everywhere(client):
    organization, evaluation = make_rated_organization(
        name="宁波市不公示测试协会", public=False, not_public_reason="涉密"
    )
    list_organization(organization)
    assert client.get(f"/public/organizations/{organization.uscc}/").status_code == 404
    assert "宁波市不公示测试协会" not in client.get("/public/", {"q": "不公示测试"}).content.decode()
    assert "不公示测试" not in client.get("/public/credit-lists/").content.decode()
    assert client.get(f"/public/certificates/{evaluation.pk}/").status_code == 404


def test_credit_lists_show_current_entries_of_each_list(client):
    abnormal = make_organization(name="宁波市异常测试协会")
    serious = make_organization(name="宁波市失信测试协会")
    removed = make_organization(name="宁波市已移出测试协会")
    list_organization(abnormal)
    list_organization(serious, kind=CreditList.SERIOUS, reason="弄虚作假骗取登记")
    entry = list_organization(removed)
    type(entry)._base_manager.filter(pk=entry.pk).update(removed_on=datetime.date(2024, 1, 2), removal_reason="已改正")
    first = client.get("/public/credit-lists/").content.decode()
    assert "异常测试协会" in first and "失信测试协会" not in first and "已移出" not in first
    second = client.get("/public/credit-lists/", {"list": "serious"}).content.decode()
    assert "失信测试协会" in second and "弄虚作假骗取登记" in second
    assert client.get("/public/credit-lists/", {"list": "bogus"}).status_code == 200


def test_filings_by_township_without_contact_persons(client):
    filing = make_filing(name="阳光老年协会", contact_person="李四", contact_phone="13700001111")
    hidden = make_filing(name="不公示的舞蹈队", public=False, not_public_reason="申请人要求")
    assert filing.township.name in client.get("/public/filings/").content.decode()
    page = client.get(f"/public/filings/{filing.township_id}/").content.decode()
    assert "阳光老年协会" in page and filing.filing_number in page
    assert "李四" not in page and "13700001111" not in page and hidden.name not in page
    assert client.get("/public/filings/999999999/").status_code == 404


@pytest.mark.parametrize(
    ("change", "verdict"),
    [(None, "有效"), ("expired", "已过期"), ("superseded", "已被新等级取代"), ("revoked", "已取消")],
)
def test_certificate_page_says_whether_the_rating_holds_today(client, change, verdict):
    organization, evaluation = make_rated_organization(
        concluded_on=datetime.date(2018, 6, 1) if change == "expired" else datetime.date(2022, 6, 1)
    )
    if change == "superseded":
        newer = Evaluation(organization=organization, grade=5, concluded_on=datetime.date(2023, 6, 1))
        newer.full_clean()
        newer.save()
    if change == "revoked":
        Evaluation._base_manager.filter(pk=evaluation.pk).update(
            revoked_on=datetime.date(2024, 1, 5), revocation_ground=RevocationGround.PENALTY, revocation_reason="处罚"
        )
    response = client.get(f"/public/certificates/{evaluation.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert organization.name in page and evaluation.valid_until.isoformat() in page
    assert f"该证书<strong>{verdict}</strong>" in page, page[page.find("verdict") :][:200]


def test_unknown_certificate_is_a_404(client):
    assert client.get("/public/certificates/999999/").status_code == 404


def test_pages_are_cacheable_and_answer_304_to_their_etag(client, settings):
    settings.PUBLIC_CACHE_MAX_AGE = 120
    organization = make_organization()
    response = client.get(f"/public/organizations/{organization.uscc}/")
    assert "public" in response["Cache-Control"] and "max-age=120" in response["Cache-Control"]
    again = client.get(f"/public/organizations/{organization.uscc}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_pages_need_no_login_and_use_no_inline_script_or_style(client):
    organization = make_organization()
    for url in ["/public/", f"/public/organizations/{organization.uscc}/", "/public/credit-lists/", "/public/filings/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "<script" not in page and "style=" not in page and "<style" not in page, url


def test_search_queries_do_not_grow_with_the_page(client, django_assert_max_num_queries):
    for n in range(20):
        make_rated_organization(name=f"宁波市查询计数协会{n:02d}")
    with django_assert_max_num_queries(3):
        client.get("/public/", {"q": "查询计数"})


def test_search_selector_refuses_short_terms():
    with pytest.raises(selectors.QueryTooShort):
        selectors.search_organizations(" 会 ")


@pytest.mark.parametrize(
    "url",
    [
        "/public/?q=ab%00cd",
        "/public/?q=%00%00",
        "/public/?q=" + "协" * 5000,
        "/public/?q=协会&page=99999999999999999999",
        "/public/organizations/51330212MJ00000%0018/",
        "/public/organizations/%E2%80%AE/",
        "/public/filings/33021200%00/",
        "/public/credit-lists/?list=%00&page=-1",
        "/public/certificates/99999999999999999999999/",
        "/api/public/v1/organizations/?q=ab%00cd",
        "/api/public/v1/organizations/?q=协会&page_size=abc&page=0",
        "/api/public/v1/organizations/51330212MJ00000%0018/",
    ],
)
def test_odd_input_is_never_a_server_error(client, url):
    assert client.get(url).status_code in {200, 400, 404}


def test_list_pages_cost_the_same_queries_whatever_their_length(client, django_assert_max_num_queries):
    first = make_filing()
    for n in range(20):
        make_filing(name=f"测试队{n}", township=first.township_id)
        list_organization(make_organization(name=f"宁波市名单计数协会{n}"))
    with django_assert_max_num_queries(3):
        client.get(f"/public/filings/{first.township_id}/")
    with django_assert_max_num_queries(2):
        client.get("/public/credit-lists/")
    with django_assert_max_num_queries(1):
        client.get("/public/filings/")


def test_organization_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    organization, _ = make_rated_organization()
    for year in range(2015, 2023):
        make_annual_report(organization, year=year)
    with django_assert_max_num_queries(5):
        client.get(f"/public/organizations/{organization.uscc}/")
