"""Bulk sync of organizations (DESIGN §4): one transaction, every bad row reported, nothing half-written."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from core.choices import ChangeAction, ChangeSource
from core.models import ChangeRecord
from registry.choices import OrgType
from registry.models import Organization
from tests.conftest import make_organization, make_uscc
from tests.exports.builders import org_row

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/bulk/"


def full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


def nothing_of(rows) -> bool:
    return not Organization.objects.filter(uscc__in=[row["uscc"] for row in rows]).exists()


def test_500_rows_with_one_bad_credit_code_at_317_is_400_naming_317_and_writes_nothing(clerk_api):
    rows = [org_row(name=f"批量协会{index}") for index in range(500)]
    good = rows[317]["uscc"]
    rows[317]["uscc"] = good[:17] + ("0" if good[17] != "0" else "1")  # wrong check character
    response = clerk_api.post(URL, rows, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["index"] for error in errors] == [317]
    assert "uscc" in errors[0] and "18" in errors[0]["uscc"][0]
    assert nothing_of(rows) and not Organization.objects.exists()
    assert not ChangeRecord.objects.filter(content_type__model="organization").exists()


def test_every_bad_row_is_listed_in_order(clerk_api):
    rows = [org_row() for _ in range(6)]
    rows[1]["org_type"] = "club"
    rows[2]["registered_by"] = "999999"
    rows[4]["uscc"] = make_uscc(OrgType.FOUNDATION, "330212")  # category contradicts the type
    rows[4]["registered_on"] = "yesterday"
    response = clerk_api.post(URL, rows, format="json")
    assert response.status_code == 400
    errors = {error["index"]: error for error in response.json()["errors"]}
    assert sorted(errors) == [1, 2, 4]
    assert "org_type" in errors[1] and "registered_by" in errors[2] and "registered_on" in errors[4]
    assert nothing_of(rows)


def test_more_rows_than_the_cap_is_413_and_writes_nothing(clerk_api):
    rows = [org_row() for _ in range(1001)]
    response = clerk_api.post(URL, rows, format="json")
    assert response.status_code == 413
    assert nothing_of(rows)


@override_settings(REGISTRY_BULK_MAX_ROWS=3)
def test_the_cap_is_the_setting(clerk_api):
    assert clerk_api.post(URL, [org_row() for _ in range(4)], format="json").status_code == 413
    assert clerk_api.post(URL, [org_row() for _ in range(3)], format="json").status_code == 200


def test_mixed_create_and_update_answers_in_request_order(clerk_api):
    renamed = make_organization(name="旧名称协会")
    unchanged = make_organization(name="不变协会")
    rows = [
        org_row(name="新协会甲"),
        {"uscc": full_width(renamed.uscc.lower()), "name": "新名称协会", "address": "鄞州区天童南路1号"},
        org_row(name="新协会乙"),
        {"uscc": unchanged.uscc, "name": "不变协会"},
    ]
    response = clerk_api.post(URL, rows, format="json")
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [result["index"] for result in results] == [0, 1, 2, 3]
    assert [result["action"] for result in results] == ["created", "updated", "created", "updated"]
    assert results[1]["id"] == renamed.pk and results[3]["id"] == unchanged.pk
    renamed.refresh_from_db()
    assert (renamed.name, renamed.address) == ("新名称协会", "鄞州区天童南路1号")
    created = Organization.objects.get(pk=results[0]["id"])
    assert created.uscc == rows[0]["uscc"] and created.domicile_id == "330212"  # the model's rules applied
    # an unchanged row changes nothing, so writes no history
    assert not ChangeRecord.objects.filter(object_id=unchanged.pk, action=ChangeAction.UPDATE).exists()


def test_bulk_history_has_source_bulk(clerk, clerk_api):
    existing = make_organization()
    rows = [org_row(), {"uscc": existing.uscc, "phone": "13900001111"}]
    response = clerk_api.post(URL, rows, format="json", HTTP_X_REQUEST_ID="sync-7")
    assert response.status_code == 200
    records = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Organization), source=ChangeSource.BULK
    )
    assert {(record.object_id, record.action) for record in records} == {
        (response.json()["results"][0]["id"], ChangeAction.CREATE),
        (existing.pk, ChangeAction.UPDATE),
    }
    update = records.get(action=ChangeAction.UPDATE)
    assert update.changes == {"phone": ["13812345678", "13900001111"]}
    assert update.actor == clerk and update.request_id == "sync-7"


def test_a_bulk_update_of_another_districts_record_is_403_and_writes_nothing(yinzhou_api):
    haishu = make_organization(registered_by_id="330203", address="海曙区")
    rows = [org_row(), {"uscc": haishu.uscc, "address": "改到鄞州"}, org_row()]
    response = yinzhou_api.post(URL, rows, format="json")
    assert response.status_code == 403
    errors = response.json()["errors"]
    assert [error["index"] for error in errors] == [1]
    assert "330203" in errors[0]["detail"][0]
    haishu.refresh_from_db()
    assert haishu.address == "海曙区"
    assert nothing_of([rows[0], rows[2]])


def test_a_district_may_not_create_in_another_district(yinzhou_api):
    rows = [org_row(), org_row(uscc=make_uscc(OrgType.SOCIAL_GROUP, "330203"), registered_by="330203")]
    response = yinzhou_api.post(URL, rows, format="json")
    assert response.status_code == 403
    assert [error["index"] for error in response.json()["errors"]] == [1]
    assert nothing_of(rows)


def test_a_district_syncs_its_own_records(yinzhou_api):
    own = make_organization(registered_by_id="330212")
    response = yinzhou_api.post(URL, [org_row(), {"uscc": own.uscc, "address": "鄞州区"}], format="json")
    assert response.status_code == 200, response.json()
    assert [result["action"] for result in response.json()["results"]] == ["created", "updated"]


def test_auditors_may_not_bulk_sync(auditor_api):
    rows = [org_row()]
    assert auditor_api.post(URL, rows, format="json").status_code == 403
    assert nothing_of(rows)


def test_the_same_key_twice_in_one_batch_is_an_error_of_the_later_row(clerk_api):
    first = org_row()
    rows = [first, org_row(), {**org_row(), "uscc": full_width(first["uscc"])}]
    response = clerk_api.post(URL, rows, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["index"] for error in errors] == [2] and "uscc" in errors[0]
    assert nothing_of(rows)


def test_unknown_fields_and_non_objects_are_row_errors(clerk_api):
    rows = [org_row(nmae="x"), "not a row", org_row()]
    response = clerk_api.post(URL, rows, format="json")
    assert response.status_code == 400
    errors = {error["index"]: error for error in response.json()["errors"]}
    assert sorted(errors) == [0, 1]
    assert "nmae" in errors[0] and "non_field_errors" in errors[1]


def test_a_body_that_is_not_a_list_is_400(clerk_api):
    response = clerk_api.post(URL, org_row(), format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_an_empty_batch_writes_nothing(clerk_api):
    response = clerk_api.post(URL, [], format="json")
    assert response.status_code == 200 and response.json() == {"results": []}


def test_read_only_fields_are_ignored_as_in_single_writes(clerk_api):
    existing = make_organization()
    row = {"uscc": existing.uscc, "status": "revoked", "id": 999999, "address": "新地址"}
    response = clerk_api.post(URL, [row], format="json")
    assert response.status_code == 200, response.json()
    existing.refresh_from_db()
    assert existing.status == "active" and existing.address == "新地址"


def batch_queries(client, size: int) -> list[str]:
    """The SQL of a batch of `size` updates and `size` creates."""
    existing = [make_organization() for _ in range(size)]
    rows = [{"uscc": organization.uscc, "address": f"地址{index}"} for index, organization in enumerate(existing)]
    rows += [org_row(domicile="330212") for _ in range(size)]
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL, rows, format="json").status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_existing_rows_and_divisions_are_looked_up_once_per_batch(clerk_api):
    clerk_api.get("/api/v1/organizations/")  # the token's first use writes last_used
    small, large = batch_queries(clerk_api, 5), batch_queries(clerk_api, 20)
    reads = [sql for sql in large if sql.startswith("SELECT")]
    # the existing rows, by key; the rows written, read back once for the feed's renderings (core.outbox)
    assert len([sql for sql in reads if 'FROM "registry_organization"' in sql]) == 2
    assert len([sql for sql in reads if 'FROM "registry_division"' in sql]) <= 6  # per field and code, not per row
    # each further row costs its write, its history record, its feed event (core.outbox; the batch's
    # renderings are read back and stored once for all) and the savepoint around them, and each further
    # new organization its `established` registration event (registry.events): nothing more
    assert len(large) - len(small) == 5 * (40 - 10) + (20 - 5)
