"""`changes/` and `export-log/`: clerks and auditors read them, newest first, with strict filters."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.choices import ChangeSource
from core.context import change_context
from core.models import ChangeRecord, ExportLog
from core.services import instance_save
from tests.conftest import make_organization

pytestmark = pytest.mark.django_db
CHANGES = "/api/v1/changes/"
EXPORT_LOG = "/api/v1/export-log/"


def results(response):
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def at(moment: datetime.datetime, record: ChangeRecord) -> ChangeRecord:
    """Move a record to a given time (records are immutable to the application; tests may set the clock)."""
    ChangeRecord.objects.filter(pk=record.pk).update(time=moment)
    record.refresh_from_db()
    return record


def creation_of(organization) -> ChangeRecord:
    return ChangeRecord.objects.get(content_type__model="organization", object_id=organization.pk)


def test_district_cannot_read_the_change_history(yinzhou_api):
    response = yinzhou_api.get(CHANGES)
    assert response.status_code == 403
    # The export log: only the entries of its own exports (tests/exports/test_manifests.py).
    ExportLog.record(resource="organizations", file_format="csv", filters={}, row_count=1)
    assert yinzhou_api.get(EXPORT_LOG).json()["count"] == 0


def test_anonymous_gets_401(anonymous_api):
    assert anonymous_api.get(CHANGES).status_code == 401
    assert anonymous_api.get(EXPORT_LOG).status_code == 401


def test_nobody_writes_the_history(clerk_api, auditor_api):
    record = creation_of(make_organization())
    assert clerk_api.post(CHANGES, {}, format="json").status_code == 405
    assert clerk_api.patch(f"{CHANGES}{record.pk}/", {"message": "x"}, format="json").status_code == 405
    assert clerk_api.delete(f"{CHANGES}{record.pk}/").status_code == 405
    assert auditor_api.post(CHANGES, {}, format="json").status_code == 403


def test_newest_first_with_who_what_from_and_to(clerk, clerk_api, auditor_api):
    organization = make_organization(address="旧址")
    response = clerk_api.patch(f"/api/v1/organizations/{organization.pk}/", {"address": "新址"}, format="json")
    rows = results(auditor_api.get(CHANGES, {"model": "organization", "object_id": organization.pk}))
    assert [row["action"] for row in rows] == ["update", "create"]
    newest = rows[0]
    assert newest["user"] == clerk.username and newest["source"] == "api"
    assert newest["changes"] == {"address": ["旧址", "新址"]}
    assert newest["request_id"] == response["X-Request-ID"]
    assert newest["model"] == "organization" and newest["object_id"] == organization.pk
    detail = auditor_api.get(f"{CHANGES}{newest['id']}/")
    assert detail.status_code == 200 and detail.json() == newest


def test_filter_by_model_object_user_and_request_id(clerk, clerk_api):
    first, second = make_organization(), make_organization()
    with change_context(actor=clerk, request_id="req-abc"):
        first.address = "甲"
        instance_save(instance=first)
    assert {row["object_id"] for row in results(clerk_api.get(CHANGES, {"object_id": second.pk}))} == {second.pk}
    by_user = results(clerk_api.get(CHANGES, {"user": clerk.username}))
    assert [(row["object_id"], row["action"]) for row in by_user] == [(first.pk, "update")]
    assert [row["object_id"] for row in results(clerk_api.get(CHANGES, {"request_id": "req-abc"}))] == [first.pk]
    assert results(clerk_api.get(CHANGES, {"model": "apitoken"}))  # the clerk's own token
    assert {row["model"] for row in results(clerk_api.get(CHANGES, {"model": "organization"}))} == {"organization"}


def test_since_and_until_take_dates_or_timestamps_inclusively(clerk_api):
    tz = timezone.get_current_timezone()
    early = at(datetime.datetime(2024, 3, 1, 0, 0, tzinfo=tz), creation_of(make_organization()))
    late = at(datetime.datetime(2024, 3, 1, 23, 59, 59, 900000, tzinfo=tz), creation_of(make_organization()))
    next_day = at(datetime.datetime(2024, 3, 2, 0, 0, tzinfo=tz), creation_of(make_organization()))

    def ids(**query):
        return {row["id"] for row in results(clerk_api.get(CHANGES, query))}

    assert ids(since="2024-03-01", until="2024-03-01") == {early.pk, late.pk}  # a date `until`: the whole day
    assert ids(since="2024-03-02") >= {next_day.pk} and early.pk not in ids(since="2024-03-02")
    assert ids(since=early.time.isoformat(), until=early.time.isoformat()) == {early.pk}  # timestamps inclusive
    assert ids(since="2024-03-01T12:00:00+08:00", until="2024-03-02T00:00:00+08:00") == {late.pk, next_day.pk}


@pytest.mark.parametrize(
    "query",
    [
        {"model": "organisation"},
        {"object_id": "abc"},
        {"since": "yesterday"},
        {"until": "2024-13-01"},
        {"modle": "organization"},
        {"action": "erase"},
    ],
)
def test_unknown_parameters_and_bad_values_are_400_naming_them(clerk_api, query):
    response = clerk_api.get(CHANGES, query)
    assert response.status_code == 400
    assert set(query) <= set(response.json())


def test_changes_list_has_a_constant_number_of_queries(clerk_api):
    make_organization()
    clerk_api.get(CHANGES)  # the token's first use records last_used
    with CaptureQueriesContext(connection) as few:
        assert clerk_api.get(CHANGES).status_code == 200
    for _ in range(30):
        make_organization()
    with CaptureQueriesContext(connection) as many:
        assert len(clerk_api.get(CHANGES).json()["results"]) > 30
    assert len(few) == len(many)
    assert len(many) == 3, [q["sql"] for q in many.captured_queries]  # token (with its user's roles), count, page


def test_export_log_is_read_by_clerks_and_auditors_with_filters(clerk, auditor_api):
    with change_context(actor=clerk, source=ChangeSource.API, request_id="exp-1"):
        ExportLog.record(resource="organizations", file_format="xlsx", filters={"district": "330212"}, row_count=12)
    ExportLog.record(resource="evaluations", file_format="csv", filters={}, row_count=3)
    rows = results(auditor_api.get(EXPORT_LOG, {"user": clerk.username}))
    assert len(rows) == 1
    assert rows[0] | {"id": None, "time": None} == {
        "id": None,
        "time": None,
        "user": clerk.username,
        "resource": "organizations",
        "title": "",
        "file_format": "xlsx",
        "filters": {"district": "330212"},
        "as_of": None,
        "row_count": 12,
        "sha256": "",
        "source": "api",
        "request_id": "exp-1",
    }
    assert [row["resource"] for row in results(auditor_api.get(EXPORT_LOG))] == ["evaluations", "organizations"]
    assert results(auditor_api.get(EXPORT_LOG, {"resource": "evaluations", "file_format": "csv"}))
    assert auditor_api.get(EXPORT_LOG, {"rows": "3"}).status_code == 400


def test_export_log_list_has_a_constant_number_of_queries(clerk_api):
    ExportLog.record(resource="organizations", file_format="csv", filters={}, row_count=1)
    clerk_api.get(EXPORT_LOG)
    with CaptureQueriesContext(connection) as few:
        clerk_api.get(EXPORT_LOG)
    for n in range(20):
        ExportLog.record(resource="organizations", file_format="csv", filters={}, row_count=n)
    with CaptureQueriesContext(connection) as many:
        assert len(clerk_api.get(EXPORT_LOG).json()["results"]) == 21
    assert len(few) == len(many) == 3  # token (with its user's roles), count, page
