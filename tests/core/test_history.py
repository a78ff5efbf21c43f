"""Change history: one test per write path, each proving a record with the right actor, source and
before/after values; then the paths that bypass `save()` (queryset update, bulk_create, bulk_update,
deletes) and the rules of the record itself."""

import datetime

import pytest
from django.core.management.base import BaseCommand
from django.db import transaction

from core.access import WriteForbidden
from core.choices import ChangeAction, ChangeSource, Role
from core.context import change_context
from core.management.base import RecordedCommand
from core.models import ChangeRecord
from core.services import instance_save
from registry import services
from registry.choices import OrgStatus, OrgType
from registry.models import Organization
from tests.conftest import make_organization, make_uscc, make_user
from tests.core.conftest import admin_form_data

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/"


def last_record(instance) -> ChangeRecord:
    return ChangeRecord.objects.filter(content_type__model=instance._meta.model_name, object_id=instance.pk).first()


def payload(**fields):
    data = {
        "uscc": make_uscc(OrgType.SOCIAL_GROUP, "330212"),
        "name": "鄞州区历史测试协会",
        "org_type": "social_group",
        "registered_by": "330212",
        "registered_on": "2020-05-01",
        "phone": "13812345678",
    }
    data.update(fields)
    return data


# --- the API --------------------------------------------------------------------------------------


def test_api_create_is_recorded_with_actor_source_request_id_and_values(clerk, clerk_api):
    response = clerk_api.post(URL, payload(), format="json", HTTP_X_REQUEST_ID="sync-2024-03-01.0001")
    assert response.status_code == 201
    record = last_record(Organization.objects.get(pk=response.json()["id"]))
    assert record.action == ChangeAction.CREATE
    assert record.actor == clerk and record.actor_name == clerk.username
    assert record.source == ChangeSource.API
    assert record.request_id == response["X-Request-ID"] == "sync-2024-03-01.0001"
    assert record.changes["name"] == [None, "鄞州区历史测试协会"]
    assert record.changes["registered_by"] == [None, "330212"]
    assert record.changes["registered_on"] == [None, "2020-05-01"]


def test_api_put_is_recorded(clerk, clerk_api):
    organization = make_organization(address="旧地址")
    body = payload(uscc=organization.uscc, name=organization.name, address="新地址")
    response = clerk_api.put(f"{URL}{organization.pk}/", body, format="json")
    assert response.status_code == 200
    record = last_record(organization)
    assert record.action == ChangeAction.UPDATE and record.actor == clerk and record.source == ChangeSource.API
    assert record.changes["address"] == ["旧地址", "新地址"]
    assert "uscc" not in record.changes  # only what changed


def test_api_patch_is_recorded(clerk, clerk_api):
    organization = make_organization(phone="13800000000")
    response = clerk_api.patch(f"{URL}{organization.pk}/", {"phone": "13911112222"}, format="json")
    assert response.status_code == 200
    record = last_record(organization)
    assert record.actor == clerk and record.source == ChangeSource.API and record.request_id == response["X-Request-ID"]
    assert record.changes == {"phone": ["13800000000", "13911112222"]}


def test_api_status_action_is_recorded_with_its_reason(yinzhou_api):
    organization = make_organization(registered_by_id="330212")
    response = yinzhou_api.post(
        f"{URL}{organization.pk}/deregister/", {"date": "2023-03-01", "reason": "自行解散"}, format="json"
    )
    assert response.status_code == 200
    record = last_record(organization)
    assert record.actor.access_profile.district_code == "330212" and record.source == ChangeSource.API
    assert record.changes["status"] == [OrgStatus.ACTIVE, OrgStatus.DEREGISTERED]
    assert record.changes["status_date"] == [None, "2023-03-01"]
    assert record.message == "自行解散"


# --- the admin ------------------------------------------------------------------------------------


def test_admin_add_is_recorded(clerk_browser):
    uscc = make_uscc(OrgType.FOUNDATION, "330200")
    page = clerk_browser.get("/admin/registry/organization/add/")
    data = admin_form_data(
        page,
        uscc=uscc,
        name="宁波市历史测试基金会",
        org_type=OrgType.FOUNDATION,
        registered_by="330200",
        registered_on="2018-08-08",
    )
    response = clerk_browser.post("/admin/registry/organization/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    organization = Organization.objects.get(uscc=uscc)
    record = last_record(organization)
    assert record.action == ChangeAction.CREATE and record.source == ChangeSource.ADMIN
    assert record.actor == clerk_browser.user and record.request_id
    assert record.changes["org_type"] == [None, OrgType.FOUNDATION]


def test_admin_change_is_recorded(clerk_browser):
    organization = make_organization(legal_representative="张三")
    url = f"/admin/registry/organization/{organization.pk}/change/"
    response = clerk_browser.post(url, admin_form_data(clerk_browser.get(url), legal_representative="李四"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = last_record(organization)
    assert record.action == ChangeAction.UPDATE and record.source == ChangeSource.ADMIN
    assert record.actor == clerk_browser.user
    assert record.changes == {"legal_representative": ["张三", "李四"]}


def test_admin_action_is_recorded(clerk_browser):
    organization = make_organization()
    clerk_browser.post(
        "/admin/registry/organization/",
        {
            "action": "organization_revoke",
            "_selected_action": [organization.pk],
            "apply": "1",
            "date": "2023-05-05",
            "reason": "年检不合格",
        },
    )
    record = last_record(organization)
    assert record.source == ChangeSource.ADMIN and record.actor == clerk_browser.user
    assert record.changes["status"] == [OrgStatus.ACTIVE, OrgStatus.REVOKED]
    assert record.message == "年检不合格"


def test_admin_delete_by_superuser_is_recorded(superuser_browser):
    organization = make_organization(name="待删除的测试组织")
    response = superuser_browser.post(f"/admin/registry/organization/{organization.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=organization.pk).exists()
    record = ChangeRecord.objects.filter(
        content_type__model="organization", object_id=organization.pk, action=ChangeAction.DELETE
    ).get()
    assert record.actor == superuser_browser.user and record.source == ChangeSource.ADMIN
    assert record.changes["name"] == ["待删除的测试组织", None]


# --- commands, services, imports -------------------------------------------------------------------


class RegisterOneCommand(RecordedCommand):
    """A management command that registers an organization (stands in for seed and import commands)."""

    def handle(self, *args, **options):
        make_organization(name="命令登记的组织")


def test_management_command_changes_are_recorded_as_command():
    RegisterOneCommand().execute(no_color=True, force_color=False, stdout=None, stderr=None, skip_checks=True)
    organization = Organization.objects.get(name="命令登记的组织")
    record = last_record(organization)
    assert record.source == ChangeSource.COMMAND and record.actor is None
    assert record.actor_name.startswith("manage.py ")
    assert record.changes["name"] == [None, "命令登记的组织"]


def test_recorded_command_is_a_base_command():
    assert issubclass(RecordedCommand, BaseCommand)


def test_service_call_is_recorded_with_its_actor(clerk):
    organization = make_organization()
    services.organization_deregister(
        organization=organization, on=datetime.date(2022, 12, 1), reason="合并", actor=clerk
    )
    record = last_record(organization)
    assert record.actor == clerk and record.source == ChangeSource.SYSTEM and record.message == "合并"
    assert record.changes["status"] == [OrgStatus.ACTIVE, OrgStatus.DEREGISTERED]


def test_import_and_bulk_doors_are_named_by_the_context(clerk):
    organization = make_organization(address="甲")
    with change_context(source=ChangeSource.IMPORT, request_id="import-42"):
        organization.address = "乙"
        instance_save(instance=organization, actor=clerk, message="导入民政厅数据")
    record = last_record(organization)
    assert (record.source, record.request_id, record.message) == (ChangeSource.IMPORT, "import-42", "导入民政厅数据")
    assert record.changes == {"address": ["甲", "乙"]}


# --- paths that bypass save() ---------------------------------------------------------------------


def test_queryset_update_is_recorded_per_row_and_moves_last_updated(clerk):
    first, second = make_organization(address="旧"), make_organization(address="旧")
    stamps = {first.pk: first.last_updated, second.pk: second.last_updated}
    with change_context(actor=clerk, source=ChangeSource.BULK):
        assert Organization.objects.filter(pk__in=[first.pk, second.pk]).update(address="新") == 2
    for organization in (first, second):
        record = last_record(organization)
        assert record.source == ChangeSource.BULK and record.actor == clerk
        assert record.changes == {"address": ["旧", "新"]}
        organization.refresh_from_db()
        assert organization.last_updated > stamps[organization.pk]


def test_queryset_update_checks_jurisdiction_and_writes_nothing_when_refused():
    district = make_user(Role.DISTRICT, district="330212", staff=False)
    own, other = make_organization(registered_by_id="330212"), make_organization(registered_by_id="330203")
    records = ChangeRecord.objects.count()
    with change_context(actor=district), pytest.raises(WriteForbidden):
        Organization.objects.filter(pk__in=[own.pk, other.pk]).update(address="越权")
    assert ChangeRecord.objects.count() == records
    assert not Organization.objects.filter(address="越权").exists()


def test_bulk_update_is_recorded(clerk):
    organizations = [make_organization(supervising_unit="") for _ in range(3)]
    for organization in organizations:
        organization.supervising_unit = "市民政局"
    with change_context(actor=clerk):
        Organization.objects.bulk_update(organizations, ["supervising_unit"])
    for organization in organizations:
        assert last_record(organization).changes == {"supervising_unit": ["", "市民政局"]}


def test_bulk_create_is_recorded_and_checked(clerk):
    rows = [
        Organization(
            uscc=make_uscc(OrgType.SOCIAL_GROUP, "330203"),
            name=f"批量{n}",
            org_type=OrgType.SOCIAL_GROUP,
            registered_by_id="330203",
            registration_level="district",
            registered_on=datetime.date(2021, 1, 1),
        )
        for n in range(3)
    ]
    with change_context(actor=clerk, source=ChangeSource.BULK):
        Organization.objects.bulk_create(rows)
    for row in rows:
        record = last_record(row)
        assert record.action == ChangeAction.CREATE and record.actor == clerk and record.source == ChangeSource.BULK
        assert record.changes["name"] == [None, row.name]
    district = make_user(Role.DISTRICT, district="330212", staff=False)
    foreign = Organization(
        uscc=make_uscc(OrgType.SOCIAL_GROUP, "330203"),
        name="外区",
        org_type=OrgType.SOCIAL_GROUP,
        registered_by_id="330203",
        registration_level="district",
        registered_on=datetime.date(2021, 1, 1),
    )
    with change_context(actor=district), pytest.raises(WriteForbidden):
        Organization.objects.bulk_create([foreign])
    assert not Organization.objects.filter(name="外区").exists()


def test_bulk_create_that_cannot_say_what_it_wrote_is_refused():
    row = Organization(
        uscc=make_uscc(),
        name="x",
        org_type=OrgType.SOCIAL_GROUP,
        registered_by_id="330212",
        registered_on=datetime.date(2021, 1, 1),
    )
    with pytest.raises(TypeError, match="history"):
        Organization.objects.bulk_create([row], ignore_conflicts=True)


def test_queryset_delete_is_recorded_per_row(clerk):
    organizations = [make_organization() for _ in range(2)]
    with change_context(actor=clerk):
        Organization.objects.filter(pk__in=[o.pk for o in organizations]).delete()
    for organization in organizations:
        record = ChangeRecord.objects.get(
            content_type__model="organization", object_id=organization.pk, action=ChangeAction.DELETE
        )
        assert record.actor == clerk and record.changes["uscc"] == [organization.uscc, None]


def test_district_cannot_delete_another_districts_record_by_any_door():
    district = make_user(Role.DISTRICT, district="330212", staff=False)
    other = make_organization(registered_by_id="330203")
    with change_context(actor=district), pytest.raises(WriteForbidden), transaction.atomic():
        other.delete()
    assert Organization.objects.filter(pk=other.pk).exists()


# --- what the record says -------------------------------------------------------------------------


def test_the_history_compares_with_the_values_the_record_was_read_with(clerk):
    """Old values are those the writer read (in the API and the admin: read in the same request, and
    If-Match or the admin's version check refuse a write over a change made since)."""
    organization = make_organization(phone="13800000001", address="甲")
    copy = Organization.objects.get(pk=organization.pk)
    copy.address = "乙"
    instance_save(instance=copy, actor=clerk)
    copy.address = "丙"  # a second save compares with the first one, not with the first read
    instance_save(instance=copy, actor=clerk)
    assert last_record(organization).changes == {"address": ["乙", "丙"]}


def test_a_district_write_is_checked_against_the_row_as_stored_not_as_read():
    """Jurisdiction never trusts the writer's copy: a record moved away after it was read is refused."""
    district = make_user(Role.DISTRICT, district="330212", staff=False)
    organization = make_organization(registered_by_id="330212")
    copy = Organization.objects.get(pk=organization.pk)
    Organization.objects.filter(pk=organization.pk).update(registered_by_id="330203", domicile_id="330203")
    copy.address = "越权"
    with change_context(actor=district), pytest.raises(WriteForbidden), transaction.atomic():
        copy.save()
    assert Organization.objects.get(pk=organization.pk).address != "越权"


def test_save_with_update_fields_records_only_those_fields(clerk):
    organization = make_organization(address="甲", phone="13800000001")
    organization.address = "乙"
    organization.phone = "13800000009"  # changed in memory, not saved
    with change_context(actor=clerk):
        organization.save(update_fields=["address", "last_updated"])
    assert last_record(organization).changes == {"address": ["甲", "乙"]}


def test_a_save_that_changes_nothing_writes_no_record(clerk):
    organization = make_organization()
    count = ChangeRecord.objects.count()
    instance_save(instance=Organization.objects.get(pk=organization.pk), actor=clerk)
    assert ChangeRecord.objects.count() == count


def test_change_records_are_never_changed_or_deleted():
    record = last_record(make_organization())
    record.message = "篡改"
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        record.delete()


def test_every_history_model_manager_builds_a_history_queryset():
    from core.checks import history_managers

    assert history_managers() == []
