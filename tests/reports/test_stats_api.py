"""`GET /api/v1/stats/`: the contract of DESIGN §4, strict parameters, and `compare=published`."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from core.models import ExportLog
from registry.choices import OrgType
from reports.choices import Comparison
from reports.labels import flatten
from reports.models import PublishedFigure
from reports.published import compare
from tests.conftest import make_organization
from tests.reports.builders import D, ended_organization

pytestmark = pytest.mark.django_db
URL = "/api/v1/stats/"


def test_anonymous_is_401(anonymous_api):
    assert anonymous_api.get(URL).status_code == 401


def test_every_role_reads_the_statistics(clerk_api, auditor_api, yinzhou_api):
    for client in (clerk_api, auditor_api, yinzhou_api):
        assert client.get(URL).status_code == 200


@pytest.mark.date_sensitive
def test_as_of_defaults_to_today(clerk_api):
    assert clerk_api.get(URL).json()["as_of"] == timezone.localdate().isoformat()


def test_figures_on_the_date_asked(clerk_api):
    make_organization(registered_on=D(2020, 1, 1), org_type=OrgType.FOUNDATION)
    ended_organization(registered_on=D(2020, 1, 1), on=D(2023, 6, 15))
    body = clerk_api.get(URL, {"as_of": "2023-06-14"}).json()
    assert body["as_of"] == "2023-06-14" and body["district"] is None
    assert body["organizations"]["total"] == 2
    assert clerk_api.get(URL, {"as_of": "2023-06-15"}).json()["organizations"]["total"] == 1


def test_district_filters_and_is_echoed(clerk_api):
    make_organization(registered_by="330212")
    make_organization(registered_by="330203")
    body = clerk_api.get(URL, {"district": "330212"}).json()
    assert body["district"] == "330212" and body["organizations"]["total"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"asof": "2023-06-15"}, "asof"),
        ({"as_of": "2023-13-01"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"district": "999999"}, "district"),
        ({"district": "330212001"}, "district"),  # a township, not a district
        ({"district": "330200"}, "district"),  # the city is no district
        ({"district": "330204"}, "district"),  # historical: names its successor
        ({"compare": "official"}, "compare"),
    ],
)
def test_bad_or_unknown_parameters_are_400_naming_them(clerk_api, query, field):
    response = clerk_api.get(URL, query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_historical_district_code_names_its_successor(clerk_api):
    message = clerk_api.get(URL, {"district": "330204"}).json()["district"][0]
    assert "330212" in message


def test_compare_published_lists_every_published_figure_with_its_own_date(clerk_api):
    make_organization(registered_on=D(2023, 6, 15))
    body = clerk_api.get(URL, {"as_of": "2020-01-01", "compare": "published"}).json()
    assert body["organizations"]["total"] == 0
    rows = body["published"]
    assert len(rows) == PublishedFigure.objects.count()
    total = next(row for row in rows if row["key"] == "organizations.total")
    assert total["reference_date"] == "2023-06-15"
    assert total["value"] == 10224 and total["registry_value"] == 1 and total["difference"] == 1 - 10224
    assert total["faithful"] is False and total["approximate"] is False
    assert total["sentence"].startswith("截至目前")


def test_compare_marks_approximate_figures(clerk_api):
    rows = clerk_api.get(URL, {"compare": "published"}).json()["published"]
    members = next(row for row in rows if row["key"] == "party.members")
    assert members["approximate"] is True and members["comparison"] == "nearly"


def test_compare_with_a_district_lists_that_districts_figures(clerk_api):
    make_organization(
        org_type=OrgType.FOUNDATION,
        registered_by="330212",
        is_community_foundation=True,
        registered_on=datetime.date(2020, 1, 1),
    )
    rows = clerk_api.get(URL, {"district": "330212", "compare": "published"}).json()["published"]
    assert [row["key"] for row in rows] == ["organizations.community_foundations"]
    assert rows[0]["district"] == "330212"
    assert rows[0]["registry_value"] == 1 and rows[0]["difference"] == 0 and rows[0]["faithful"] is True


# ?format=csv|xlsx: one row per figure


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_has_a_chinese_header_and_a_row_per_figure(clerk_api):
    make_organization(registered_on=D(2020, 1, 1))
    response = clerk_api.get(URL, {"as_of": "2023-06-15", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="stats-' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == ["统计项", "名称", "数值", "统计日期", "区（县、市）"]
    by_key = {row[0]: row for row in rows}
    json_body = clerk_api.get(URL, {"as_of": "2023-06-15"}).json()
    assert len(rows) == len(flatten({k: v for k, v in json_body.items() if k not in {"as_of", "district"}}))
    assert by_key["organizations.total"][1:4] == ["社会组织", "1", "2023-06-15"]
    assert ExportLog.objects.filter(resource="stats", file_format="csv", row_count=len(rows)).exists()


def test_xlsx_of_the_comparison_has_a_row_per_published_figure(clerk_api):
    response = clerk_api.get(URL, {"compare": "published", "format": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("统计项", "名称", "区（县、市）", "公布数值")
    assert len(rows) - 1 == PublishedFigure.objects.count()
    total = next(row for row in rows if row[0] == "organizations.total")
    assert total[3] == 10224 and total[8] == 0 and total[9] == -10224 and total[10] == "否"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_refused_export_answers_in_json(clerk_api, anonymous_api):
    response = clerk_api.get(URL, {"format": "csv", "as_of": "2023-02-30"})
    assert response.status_code == 400 and "as_of" in response.json()
    assert anonymous_api.get(URL, {"format": "csv"}).status_code == 401
    assert clerk_api.get(URL, {"page": "2"}).status_code == 400


@pytest.mark.parametrize(("registry", "faithful"), [(150, False), (151, True), (152, True), (159, True), (160, False)])
def test_an_odd_figure_is_above_it_and_below_the_next_step(registry, faithful):
    figure = PublishedFigure.objects.get(key="platforms.total")
    assert (figure.comparison, figure.precision, figure.approximate) == ("odd", 10, True)
    result = compare(figure, registry)
    assert result.faithful is faithful and result.difference == registry - 150


@pytest.mark.parametrize(
    ("registry", "faithful"), [(14499, False), (14500, True), (14999, True), (15000, False), (15001, False)]
)
def test_nearly_fifteen_thousand_is_just_under_it(registry, faithful):
    """ "近1.5万" accepts 14,500–14,999; a value at or above the stated figure is not "near" it."""
    figure = PublishedFigure.objects.get(key="party.members")
    assert (figure.comparison, figure.approximate) == ("nearly", True)
    result = compare(figure, registry)
    assert result.faithful is faithful and result.difference == registry - 15000


@pytest.mark.parametrize(
    ("registry", "faithful"),
    [("0.4499", False), ("0.45", True), ("0.4979", True), ("0.4999", True), ("0.50", False), ("0.5021", False)],
)
def test_nearly_fifty_percent_is_just_under_it(registry, faithful):
    figure = PublishedFigure.objects.get(key="procurement.last_four_years.growth")
    assert compare(figure, Decimal(registry)).faithful is faithful


@pytest.mark.parametrize(("registry", "faithful"), [(14499, False), (14500, True), (15499, True), (15500, False)])
def test_an_about_figure_rounds_to_it(registry, faithful):
    figure = PublishedFigure(key="party.members", value=15000, precision=1000, comparison=Comparison.ABOUT)
    assert compare(figure, registry).faithful is faithful


def test_an_exact_figure_compares_at_the_precision_of_the_reply():
    figure = PublishedFigure.objects.get(key="community_organizations.per_urban_community")
    assert compare(figure, 26.02).difference == 0 and compare(figure, 26.02).faithful
    assert compare(figure, 26.6).difference == 1 and not compare(figure, 26.6).faithful
