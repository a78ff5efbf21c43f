"""Ratings and honours lists export like every list (DESIGN §4): whole filtered list, labels people read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ratings.api.views import EvaluationViewSet
from ratings.models import Evaluation, Honour
from tests.conftest import make_organization
from tests.exports.builders import content_of, read_csv
from tests.ratings.builders import make_evaluation, years_ago

pytestmark = pytest.mark.django_db
URL = "/api/v1/evaluations/"
D = datetime.date


@pytest.mark.today("2026-06-01")
def test_evaluations_csv_reads_grades_statuses_and_organizations_as_people_do(clerk_api):
    organization = make_organization(registered_on=D(2010, 1, 1))
    old = make_evaluation(organization, grade=3, concluded_on=D(2018, 1, 1))
    make_evaluation(organization, grade=5, concluded_on=D(2024, 3, 1))
    Evaluation.objects.filter(pk=old.pk).update(revoked_on=D(2019, 1, 1), revocation_reason="行政处罚")
    header, *rows = read_csv(clerk_api.get(URL, {"format": "csv", "ordering": "concluded_on"}))
    assert "评估等级" in header and "有效期至" in header and "当前状态" in header
    grade, status, valid_until, who = (header.index(name) for name in ("评估等级", "当前状态", "有效期至", "社会组织"))
    assert [row[grade] for row in rows] == ["3A", "5A"]
    assert [row[status] for row in rows] == ["已取消", "有效"]
    assert rows[1][valid_until] == "2029-02-28"
    assert rows[0][who] == organization.uscc  # the organization by its credit code


@pytest.mark.date_sensitive
def test_the_90_day_worklist_exports_exactly_what_the_list_counts(clerk_api):
    for index in range(3):  # valid for another 10 to 12 days
        make_evaluation(grade=3, concluded_on=years_ago(5, days=-(11 + index)))
    make_evaluation(grade=4, concluded_on=years_ago(1))
    make_evaluation(grade=2, concluded_on=years_ago(5, days=10))  # lapsed: not on the worklist
    in_90_days = timezone.localdate() + datetime.timedelta(days=90)
    params = {"status": "valid", "expiring_before": in_90_days.isoformat()}
    count = clerk_api.get(URL, params).json()["count"]
    assert count == 3
    assert len(read_csv(clerk_api.get(URL, {**params, "format": "csv"}))) == 1 + count


@pytest.mark.today("2026-06-01")
def test_organizations_export_carries_the_grade_and_entitlements(clerk_api):
    make_evaluation(grade=4, concluded_on=D(2024, 3, 1))
    header, row = read_csv(clerk_api.get("/api/v1/organizations/", {"format": "csv", "min_grade": 4}))
    assert row[header.index("当前评估等级")] == "4A"
    assert "是" in row


def test_honours_export(clerk_api):
    Honour.objects.create(kind="provincial_brand", year=2021, organization=make_organization(), issuing_body="x")
    header, *rows = read_csv(clerk_api.get("/api/v1/honours/", {"format": "csv"}))
    brand = next(row for row in rows if "省级品牌社会组织" in row)
    assert "2021" in brand


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_evaluations_export_query_count_is_constant_per_chunk(clerk_api, monkeypatch, file_format):
    monkeypatch.setattr(EvaluationViewSet, "export_chunk_size", 10)
    make_evaluation()
    clerk_api.get(URL)
    with CaptureQueriesContext(connection) as one_chunk:
        content_of(clerk_api.get(URL, {"format": file_format}))
    for _ in range(44):
        make_evaluation()
    with CaptureQueriesContext(connection) as five_chunks:
        content_of(clerk_api.get(URL, {"format": file_format}))
    # token (with its user's roles), count, export log, the rows; per chunk the organizations' credit codes
    # (and at the end the manifest written to the export log)
    assert len(one_chunk) == 6, [query["sql"] for query in one_chunk.captured_queries]
    assert len(five_chunks) == 5 + 5, [query["sql"] for query in five_chunks.captured_queries]
