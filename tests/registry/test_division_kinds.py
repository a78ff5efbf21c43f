"""Units below a district have a kind from digits 7–9 of their code: 156 townships and streets and
6 functional zones (DESIGN §2); the zones are never counted as townships."""

import importlib
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from core.choices import Role
from registry.choices import DivisionKind, DivisionLevel
from registry.filtersets import DivisionFilterSet
from registry.models import Division
from registry.models.divisions import counted_townships_q, kind_for_code
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

HEADER = "code,name,parent_code,urban_rural_class\n"
ZONES = {"330206401", "330282402", "330282403", "330282404", "330282405", "330282406"}


def run(text: str, tmp_path) -> str:
    path = tmp_path / "divisions.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_divisions", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "code, kind",
    [("330203001", "street"), ("330212099", "street"), ("330212100", "town"), ("330226201", "township"),
     ("330206401", "zone"), ("330282599", "zone"), ("330212600", ""), ("330212000", ""), ("330212", "")],
)  # fmt: skip
def test_the_kind_follows_from_digits_7_to_9(code, kind):
    assert kind_for_code(code) == kind


def test_the_fixture_holds_156_townships_and_streets_and_6_functional_zones():
    units = Division.objects.filter(level=DivisionLevel.TOWNSHIP)
    assert units.count() == 162
    by_kind = {kind: units.filter(kind=kind).count() for kind in DivisionKind.values}
    assert by_kind == {"street": 73, "town": 73, "township": 10, "zone": 6}
    assert set(units.filter(kind=DivisionKind.ZONE).values_list("code", flat=True)) == ZONES
    assert Division.objects.filter(counted_townships_q()).count() == 156


def test_the_shipped_file_imports_with_the_same_kinds(tmp_path):
    Division.objects.filter(code="330206401").update(kind=DivisionKind.TOWN)  # a kind stored wrong
    path = settings.BASE_DIR / "fixtures" / "ningbo-townships-2022.csv"
    assert "added 0, changed 1, unchanged 161." in run(path.read_text(encoding="utf-8"), tmp_path)
    assert Division.objects.get(code="330206401").kind == DivisionKind.ZONE


def test_import_gives_new_units_their_kind(tmp_path):
    run(HEADER + "330212098,新街道,330212,\n330282407,新园区,330282,\n330212098001,新社区,330212098,111\n", tmp_path)
    assert Division.objects.get(code="330212098").kind == DivisionKind.STREET
    assert Division.objects.get(code="330282407").kind == DivisionKind.ZONE
    assert Division.objects.get(code="330212098001").kind == ""


def test_import_refuses_a_township_code_outside_the_bureaus_ranges(tmp_path):
    with translation.override("en"), pytest.raises(CommandError) as caught:
        run(HEADER + "330212700,越界街道,330212,\n", tmp_path)
    assert "400–599 (functional zone)" in str(caught.value)
    assert not Division.objects.filter(code="330212700").exists()


def test_the_database_refuses_a_township_without_kind_and_a_district_with_one():
    with transaction.atomic(), pytest.raises(IntegrityError):
        Division.objects.filter(code="330212001").update(kind="")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Division.objects.filter(code="330212").update(kind=DivisionKind.ZONE)


def test_the_data_migration_derives_kinds_by_code_and_falls_back_on_the_name():
    migration = importlib.import_module("registry.migrations.0005_division_kind")
    assert migration.kind_of("330206401", "保税区") == "zone"
    assert migration.kind_of("330212101", "某镇") == "town"
    assert migration.kind_of("330212999", "新街道") == "street"  # entered before the ranges were checked


def test_the_api_lists_all_162_with_their_kind_and_filters_by_kind(clerk_api):
    body = clerk_api.get("/api/v1/divisions/", {"level": "township", "page_size": 1000}).json()
    assert body["count"] == 162
    kinds = {row["code"]: row["kind"] for row in body["results"]}
    assert kinds["330206401"] == "zone" and kinds["330203001"] == "street"
    zones = clerk_api.get("/api/v1/divisions/", {"kind": "zone"}).json()
    assert {row["code"] for row in zones["results"]} == ZONES
    assert clerk_api.get("/api/v1/divisions/", {"kind": "district"}).status_code == 400
    district = clerk_api.get("/api/v1/divisions/330212/").json()
    assert district["kind"] == ""


def test_the_admin_kind_filter_is_the_filter_set(client):
    client.force_login(make_user(Role.CLERK))
    response = client.get("/admin/registry/division/", {"kind": "zone"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 6
    assert DivisionFilterSet({"kind": "zone"}, queryset=Division.objects.all()).qs.count() == 6


def test_the_divisions_export_carries_the_kind_in_chinese(clerk_api):
    response = clerk_api.get("/api/v1/divisions/", {"format": "csv", "kind": "zone"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, first = body.splitlines()[:2]
    assert "区划类别" in header.split(",") and first.startswith("330206401,保税区,") and ",功能区," in first
