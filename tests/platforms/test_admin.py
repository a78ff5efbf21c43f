import datetime

import pytest

from core.choices import Role
from platforms.models import Platform, PlatformFunding
from tests.conftest import make_user
from tests.platforms.builders import NANMEN, XIAYING, YINZHOU, assess, fund, make_centre, make_platform

pytestmark = pytest.mark.django_db
D = datetime.date
LIST = "/admin/platforms/platform/"


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


@pytest.fixture
def auditor_browser(client):
    client.force_login(make_user(Role.AUDITOR))
    return client


def names(response):
    assert response.status_code == 200
    return {platform.name for platform in response.context["cl"].result_list}


def test_platform_admin_reads_in_chinese_with_its_filters(clerk_browser):
    platform = make_centre(XIAYING)
    text = clerk_browser.get(LIST).content.decode()
    assert platform.name in text
    for label in (
        "社会组织服务平台",
        "平台类型",
        "层级",
        "区（县、市）",
        "已完成标准化建设",
        "党群服务中心",
        "枢纽型平台",
    ):
        assert label in text, label


def test_admin_filters_by_kind_level_district_and_standardised(clerk_browser):
    passed = make_centre(XIAYING, kind="hub")
    assess(passed, D(2022, 6, 1))
    failed = make_centre(NANMEN, kind="support")
    assess(failed, D(2022, 6, 1), "failed")
    district = make_platform(YINZHOU, kind="support")
    assert names(clerk_browser.get(LIST, {"kind": "support"})) == {failed.name, district.name}
    assert names(clerk_browser.get(LIST, {"level": "district"})) == {district.name}
    assert names(clerk_browser.get(LIST, {"district": YINZHOU})) == {passed.name, district.name}
    assert names(clerk_browser.get(LIST, {"standardized": "true"})) == {passed.name}
    assert names(clerk_browser.get(LIST, {"standardized": "false"})) == {failed.name, district.name}


def test_change_page_shows_assessments_and_funding_inline(clerk_browser):
    platform = make_centre()
    assess(platform, D(2022, 6, 1))
    fund(platform, 2022, "600000.00")
    page = clerk_browser.get(f"{LIST}{platform.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "标准化建设评估" in text and "平台经费" in text and "600000.00" in text


def test_clerk_adds_a_platform_with_funding_in_one_form(clerk_browser):
    data = {
        "name": "钟公庙街道社会组织服务中心",
        "kind": "hub",
        "level": "township",
        "division": "330212002",
        "opened_on": "2019-01-01",
        "party_service_centre": "on",
        **inline_management("assessments"),
        **inline_management("ratings"),
        **inline_management("incubations"),
        **inline_management("funding", total=1),
        "funding-0-year": "2022",
        "funding-0-source": "city_welfare_lottery",
        "funding-0-amount": "80000.00",
    }
    response = clerk_browser.post(f"{LIST}add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    platform = Platform.objects.get(name="钟公庙街道社会组织服务中心")
    assert str(platform.funding.get().amount) == "80000.00"


def test_admin_refuses_a_township_platform_on_a_district_and_a_negative_amount(clerk_browser):
    data = {
        "name": "错位平台",
        "kind": "hub",
        "level": "township",
        "division": YINZHOU,
        "opened_on": "2019-01-01",
        **inline_management("assessments"),
        **inline_management("ratings"),
        **inline_management("incubations"),
        **inline_management("funding", total=1),
        "funding-0-year": "2022",
        "funding-0-source": "other",
        "funding-0-amount": "-5",
    }
    response = clerk_browser.post(f"{LIST}add/", data)
    assert response.status_code == 200
    assert "division" in response.context["adminform"].form.errors
    assert not Platform.objects.exists() and not PlatformFunding.objects.exists()


def test_admin_close_action_asks_for_a_reason(clerk_browser):
    platform = make_platform()
    form = clerk_browser.post(LIST, {"action": "platform_close", "_selected_action": [platform.pk]})
    assert form.status_code == 200 and "reason" in form.content.decode()
    clerk_browser.post(
        LIST,
        {
            "action": "platform_close",
            "_selected_action": [platform.pk],
            "apply": "1",
            "date": "2023-03-01",
            "reason": "场地收回",
        },
    )
    platform.refresh_from_db()
    assert platform.closed_on == D(2023, 3, 1)


def test_auditor_reads_platforms_but_cannot_change_them(auditor_browser):
    platform = make_centre()
    fund(platform, 2022, "1.00")
    assert auditor_browser.get(LIST).status_code == 200
    page = auditor_browser.get(f"{LIST}{platform.pk}/change/")
    assert page.status_code == 200 and "1.00" in page.content.decode()
    assert auditor_browser.get(f"{LIST}add/").status_code == 403
    assert auditor_browser.post(f"{LIST}{platform.pk}/change/", {"name": "x"}).status_code == 403


def test_only_a_superuser_deletes_a_platform_in_admin(clerk_browser):
    platform = make_platform()
    assert clerk_browser.get(f"{LIST}{platform.pk}/delete/").status_code == 403
    assert Platform.objects.filter(pk=platform.pk).exists()


def inline_management(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_coverage_page_lists_the_townships_without_a_platform(clerk_browser, auditor_browser):
    make_platform(XIAYING, opened_on=D(2019, 1, 1), closed_on=D(2023, 3, 1))
    make_platform("330212002", opened_on=D(2019, 1, 1))
    url = "/admin/platforms/townshipcoverage/"
    page = clerk_browser.get(url, {"district": YINZHOU, "as_of": "2023-02-28"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "镇乡（街道）平台覆盖" in text and "钟公庙街道（330212002）" not in text
    assert "下应街道（330212001）" not in text
    after = clerk_browser.get(url, {"district": YINZHOU, "as_of": "2023-03-01"}).content.decode()
    assert "下应街道（330212001）" in after and "钟公庙街道（330212002）" not in after
    assert auditor_browser.get(url).status_code == 200
    assert clerk_browser.get(url, {"as_of": "not a date"}).status_code == 200


def test_the_coverage_page_exports_its_table_as_csv_and_excel_for_its_date_and_district(clerk_browser):
    import io

    import openpyxl

    from core.models import ExportLog

    make_platform(XIAYING, opened_on=D(2019, 1, 1), closed_on=D(2023, 3, 1))
    url = "/admin/platforms/townshipcoverage/"
    page = clerk_browser.get(url, {"district": YINZHOU, "as_of": "2023-03-01"}).content.decode()
    assert "?as_of=2023-03-01&amp;district=330212&amp;format=csv" in page
    assert "?as_of=2023-03-01&amp;district=330212&amp;format=xlsx" in page

    csv = clerk_browser.get(url, {"district": YINZHOU, "as_of": "2023-03-01", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("区（县、市）,区县代码,镇乡（街道）数,已覆盖,")
    assert len(lines) == 2 and lines[1].startswith("鄞州区,330212,") and "下应街道（330212001）" in lines[1]

    xlsx = clerk_browser.get(url, {"district": YINZHOU, "as_of": "2023-03-01", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("鄞州区", "330212") and rows[1][-1].date() == D(2023, 3, 1)
    logged = ExportLog.objects.filter(resource="platform-coverage").order_by("id")
    assert [(log.file_format, log.row_count, log.filters.get("district")) for log in logged] == [
        ("csv", 1, YINZHOU),
        ("xlsx", 1, YINZHOU),
    ]
