"""Idempotency-Key on every POST and ?dry_run=true on bulk sync (DESIGN §10)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import ChangeRecord, IdempotencyKey
from registry.models import CommunityOrganization, Organization
from tests.conftest import make_organization
from tests.exports.builders import org_row

pytestmark = pytest.mark.django_db
BULK = "/api/v1/organizations/bulk/"


def post(client, url, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, body, format="json", **headers)


def test_the_same_bulk_post_sent_twice_with_one_key_writes_once_and_answers_the_same_body(clerk_api):
    rows = [org_row(), org_row()]
    first = post(clerk_api, BULK, rows, key="sync-2026-12-03-001")
    history = ChangeRecord.objects.count()
    again = post(clerk_api, BULK, rows, key="sync-2026-12-03-001")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Organization.objects.filter(uscc__in=[row["uscc"] for row in rows]).count() == 2
    assert ChangeRecord.objects.count() == history


def test_the_same_key_with_another_body_is_422_and_writes_nothing(clerk_api):
    post(clerk_api, BULK, [org_row()], key="k-1")
    other = [org_row()]
    response = post(clerk_api, BULK, other, key="k-1")
    assert response.status_code == 422
    assert not Organization.objects.filter(uscc=other[0]["uscc"]).exists()


def test_a_create_repeated_with_its_key_answers_the_first_record_and_its_headers(clerk_api):
    row = org_row()
    first = post(clerk_api, "/api/v1/organizations/", row, key="create-1")
    again = post(clerk_api, "/api/v1/organizations/", row, key="create-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["ETag"] == first["ETag"]
    assert Organization.objects.filter(uscc=row["uscc"]).count() == 1


def test_a_status_action_repeated_with_its_key_runs_once(clerk_api):
    organization = make_organization()
    url = f"/api/v1/organizations/{organization.pk}/deregister/"
    body = {"date": "2024-01-31", "reason": "自行解散"}
    first = post(clerk_api, url, body, key="dereg-1")
    history = ChangeRecord.objects.count()
    again = post(clerk_api, url, body, key="dereg-1")
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert ChangeRecord.objects.count() == history


def test_keys_are_per_client(clerk_api, yinzhou_api):
    rows = [org_row()]
    post(clerk_api, BULK, rows, key="shared")
    other_rows = [org_row()]
    response = post(yinzhou_api, BULK, other_rows, key="shared")
    assert response.status_code == 200 and "Idempotent-Replayed" not in response
    assert Organization.objects.filter(uscc=other_rows[0]["uscc"]).exists()


def test_a_refused_request_is_answered_again_as_refused(clerk_api):
    rows = [{**org_row(), "org_type": "club"}]
    first = post(clerk_api, BULK, rows, key="bad-1")
    again = post(clerk_api, BULK, rows, key="bad-1")
    assert first.status_code == again.status_code == 400 and again.json() == first.json()


def test_a_key_older_than_a_day_is_forgotten(clerk_api):
    rows = [org_row()]
    post(clerk_api, BULK, rows, key="old")
    IdempotencyKey.objects.update(created=timezone.now() - datetime.timedelta(hours=25))
    response = post(clerk_api, BULK, [org_row()], key="old")
    assert response.status_code == 200 and "Idempotent-Replayed" not in response


def test_the_periodic_prune_removes_keys_older_than_a_day(clerk_api):
    post(clerk_api, BULK, [org_row()], key="a")
    post(clerk_api, BULK, [org_row()], key="b")
    IdempotencyKey.objects.filter(key="a").update(created=timezone.now() - datetime.timedelta(hours=25))
    call_command("prune_idempotency_keys", verbosity=0)
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["b"]


def test_a_malformed_key_is_400(clerk_api):
    response = post(clerk_api, BULK, [org_row()], key="has space")
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not IdempotencyKey.objects.exists()


def test_without_a_key_a_repeat_writes_again(clerk_api):
    post(clerk_api, "/api/v1/organizations/", org_row(), key=None)
    assert not IdempotencyKey.objects.exists()


def test_bulk_dry_run_writes_nothing_and_answers_as_the_real_call_would(clerk_api):
    existing = make_organization()
    rows = [org_row(), {"uscc": existing.uscc, "address": "试运行路1号"}]
    history = ChangeRecord.objects.count()
    dry = clerk_api.post(f"{BULK}?dry_run=true", rows, format="json")
    assert dry.status_code == 200
    assert ChangeRecord.objects.count() == history
    assert not Organization.objects.filter(uscc=rows[0]["uscc"]).exists()
    existing.refresh_from_db()
    assert existing.address != "试运行路1号"
    real = clerk_api.post(BULK, rows, format="json")
    assert real.status_code == 200
    expected = [
        {**result, "id": None if result["action"] == "created" else result["id"]} for result in real.json()["results"]
    ]
    assert dry.json() == {"results": expected}


def test_bulk_dry_run_of_a_bad_batch_is_the_same_400(clerk_api):
    rows = [org_row(), {**org_row(), "registered_by": "999999"}]
    dry = clerk_api.post(f"{BULK}?dry_run=true", rows, format="json")
    real = clerk_api.post(BULK, rows, format="json")
    assert dry.status_code == real.status_code == 400 and dry.json() == real.json()


def test_a_filing_dry_run_consumes_no_filing_number(clerk_api):
    from tests.exports.test_filings import filing_row

    row = filing_row()
    row.pop("filing_number", None)
    dry = clerk_api.post("/api/v1/community-organizations/bulk/?dry_run=true", [row], format="json")
    assert dry.status_code == 200 and dry.json()["results"][0] == {"index": 0, "id": None, "action": "created"}
    assert not CommunityOrganization.objects.exists()


def test_dry_run_takes_true_or_false_only(clerk_api):
    response = clerk_api.post(f"{BULK}?dry_run=maybe", [org_row()], format="json")
    assert response.status_code == 400 and "dry_run" in response.json()


def test_dry_run_is_a_parameter_of_bulk_only(clerk_api):
    response = clerk_api.post("/api/v1/organizations/?dry_run=true", org_row(), format="json")
    assert response.status_code == 400 and "dry_run" in response.json()


def test_every_viewset_that_answers_post_honours_idempotency_keys():
    from core.idempotency import IdempotentPosts
    from tests.core.test_matrix import registered_viewsets

    posting = [
        (prefix, viewset)
        for prefix, viewset in registered_viewsets()
        if "post" in getattr(viewset, "http_method_names", ())
        and (hasattr(viewset, "create") or any("post" in extra.mapping for extra in viewset.get_extra_actions()))
    ]
    assert {"organizations", "exports"} <= {prefix for prefix, _viewset in posting}
    assert [prefix for prefix, viewset in posting if not issubclass(viewset, IdempotentPosts)] == []


def test_an_export_request_repeated_with_its_key_queues_one_export(clerk_api):
    from jobs.models import ExportJob

    body = {"resource": "organizations", "format": "csv"}
    first = post(clerk_api, "/api/v1/exports/", body, key="export-1")
    again = post(clerk_api, "/api/v1/exports/", body, key="export-1")
    assert first.status_code == again.status_code == 202 and again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert ExportJob.objects.count() == 1
