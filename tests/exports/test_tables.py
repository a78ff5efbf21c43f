"""An export's rows (core/exports/tables.py) read plain columns straight from the record; they must be
exactly what the JSON list's values give once made readable, for every API list, in both languages, for
a reader who sees the personal data and one who gets it masked."""

import datetime
import zoneinfo

import pytest
from django.utils import translation
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.choices import Role
from core.exports.resources import _resources_by_model
from core.exports.tables import ExportTable
from registry.choices import OrgStatus
from registry.models import Organization
from tests.browser.builders import make_one_record_of_each_kind
from tests.conftest import make_organization, make_user
from tests.registry.builders import make_filing

pytestmark = pytest.mark.django_db


def awkward_records() -> None:
    """Empty texts, a timestamp with microseconds just before midnight UTC, a status with a date."""
    make_one_record_of_each_kind()
    make_organization(name="宁波市海曙区空白协会", registered_by="330203", phone="", address="", supervising_unit="")
    ended = make_organization(name="宁波市江北区注销协会", registered_by="330205", phone="057487654321")
    Organization.objects.filter(pk=ended.pk).update(
        status=OrgStatus.DEREGISTERED,
        status_date=datetime.date(2024, 2, 29),
        status_reason="自行解散",
        created=datetime.datetime(2023, 12, 31, 23, 59, 59, 999999, tzinfo=zoneinfo.ZoneInfo("UTC")),
    )
    make_filing(name="鄞州区空白队", contact_phone="", last_active_on=None)


def viewset_of(resource, user):
    request = APIRequestFactory().get(f"/api/v1/{resource.name}/")
    request.user = user
    drf_request = Request(request)
    drf_request.user = user
    return resource.viewset_for(drf_request)


def drf_readable_rows(table: ExportTable, instances: list) -> list[list]:
    """Each record rendered by DRF field by field, then each value made readable by its column."""
    for column in table.columns:
        if column.codes is not None:
            column.codes.prepare(instances)
    converters = [(column.name, column.converter()) for column in table.columns]
    rendered = [table.serializer.to_representation(instance) for instance in instances]
    rows = [[convert(data.get(name)) for name, convert in converters] for data in rendered]
    # Beside a division's code, its name (read here through the record, in the export by a join).
    for index, column in sorted(table.name_columns.items(), reverse=True):
        relation, name = column.path.split("__")
        for row, instance in zip(rows, instances, strict=True):
            related = getattr(instance, relation)
            row.insert(index + 1, getattr(related, name) if related is not None else None)
    return rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", [Role.CLERK, Role.DISTRICT])
def test_every_lists_export_rows_equal_its_json_values_made_readable(role, language):
    awkward_records()
    user = make_user(role, district="330212" if role == Role.DISTRICT else None, staff=role == Role.CLERK)
    compared = 0
    with translation.override(language):
        for resource in _resources_by_model().values():
            viewset = viewset_of(resource, user)
            table = ExportTable(viewset.get_serializer(), getattr(viewset, "export_fields", None))
            instances = list(table.prepare(viewset.filter_queryset(viewset.get_queryset())))
            expected = drf_readable_rows(table, instances)
            assert list(table.rows(instances, chunk_size=3)) == expected, resource.name
            compared += len(expected)
    assert compared >= 20


def test_masked_phone_and_local_timestamps_are_read_straight():
    """What the straight reading must get right: masking after reading, the bureau's local time."""
    awkward_records()
    yinzhou = make_user(Role.DISTRICT, district="330212", staff=False)
    resource = next(r for r in _resources_by_model().values() if r.name == "organizations")
    viewset = viewset_of(resource, yinzhou)
    table = ExportTable(viewset.get_serializer(), viewset.export_fields)
    names = [column.name for column in table.output_columns]
    rows = {
        row[names.index("name")]: row
        for row in table.rows(list(table.prepare(viewset.filter_queryset(viewset.get_queryset()))), chunk_size=10)
    }
    ended = rows["宁波市江北区注销协会"]
    assert ended[names.index("phone")] == "057****4321"
    assert ended[names.index("created")] == datetime.datetime(2024, 1, 1, 7, 59, 59)
    assert ended[names.index("status_date")] == datetime.date(2024, 2, 29)
    assert rows["宁波市海曙区空白协会"][names.index("address")] is None
    assert ended[names.index("registered_by")] == "330205" and ended[names.index("registered_by_name")] == "江北区"
