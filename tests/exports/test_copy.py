"""CSV exports written by PostgreSQL's COPY (core/exports/copy.py): the same bytes as the Python path,
taken only where SQL can write every column and the reader sees every record's personal data."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction

from core.access import principal_of
from core.exports import views as export_views
from core.exports.copy import copy_columns
from core.exports.resources import _resources_by_model
from core.exports.tables import ExportTable
from core.exports.writers import inert_csv_text
from core.models import ExportLog
from registry.api.serializers import CommunityOrganizationSerializer, OrganizationSerializer
from registry.choices import Field, FilingCategory
from registry.models import CommunityOrganization
from tests.conftest import make_user
from tests.exports.builders import read_csv
from tests.registry.builders import HAISHU_TOWNSHIP, make_filing

pytestmark = pytest.mark.django_db
URL = "/api/v1/community-organizations/"
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")

# Text that CSV must quote, that a spreadsheet would run, that is empty, or Chinese.
AWKWARD_NAMES = [
    '阳光,"义工"队',
    '=HYPERLINK("http://example.com")',
    "+86 合唱团",
    "-减压小组",
    "@邻里",
    "两行\n名称",
    "回车\r名称",
    "\\.",
    "普通的名字",
]


def awkward_filings():
    filings = [make_filing(name=name) for name in AWKWARD_NAMES]
    make_filing(
        township=HAISHU_TOWNSHIP,
        urban=False,
        category=FilingCategory.CULTURE_SPORTS,
        field=Field.CHARITY,
        contact_phone="",
        member_count=0,
        last_active_on=datetime.date(2024, 2, 29),
        status_reason="",
    )
    filings[0].active = False
    filings[0].save()
    return filings


def python_path(monkeypatch):
    monkeypatch.setattr(export_views, "copy_columns", lambda table, principal: None)


@postgresql_only
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_copy_writes_the_same_bytes_as_the_python_path(clerk_api, monkeypatch, language):
    awkward_filings()
    query = {"format": "csv", "ordering": "-name"}
    by_copy = b"".join(clerk_api.get(URL, query, HTTP_ACCEPT_LANGUAGE=language).streaming_content)
    python_path(monkeypatch)
    by_python = b"".join(clerk_api.get(URL, query, HTTP_ACCEPT_LANGUAGE=language).streaming_content)
    assert by_copy == by_python
    assert by_copy.count(b"\n") >= len(AWKWARD_NAMES) + 2


@postgresql_only
def test_copy_export_is_filtered_ordered_formula_safe_and_logged(clerk_api):
    filings = awkward_filings()
    response = clerk_api.get(URL, {"format": "csv", "township": filings[0].township_id, "ordering": "id"})
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    names = [row[header.index("名称")] for row in body]
    assert names == [f"'{name}" if name[0] in "=+-@" else name for name in AWKWARD_NAMES]
    assert body[0][header.index("活跃")] == "否" and body[1][header.index("活跃")] == "是"
    log = ExportLog.objects.get()
    assert log.row_count == len(AWKWARD_NAMES) and response["X-Export-Rows"] == str(len(AWKWARD_NAMES))


def test_copy_covers_every_column_of_the_filings_list(clerk):
    table = ExportTable(CommunityOrganizationSerializer())
    assert copy_columns(table, principal_of(clerk)) is not None


# Contact phones of every length mask_personal distinguishes, empty, and one a spreadsheet would run.
AWKWARD_PHONES = ["13812345678", "+8613812345678", "-0574-8765", "87654321", "1234", "12", "", "057487654321"]


@postgresql_only
def test_a_district_reader_gets_other_districts_phones_masked_by_copy_as_by_python(haishu_api, monkeypatch):
    """Masking in SQL (`core.exports.copy.masked`) writes what `mask_personal` and the Python path write:
    the reader's own district in full, the others masked, for phones of every length."""
    for phone in AWKWARD_PHONES:
        make_filing(contact_phone=phone)  # 鄞州区: masked for 海曙区
        make_filing(township=HAISHU_TOWNSHIP, contact_phone=phone)  # 海曙区's own: in full
    copied = []
    real_copy_chunks = export_views.copy_chunks

    def recording_copy_chunks(queryset, expressions):
        copied.append(queryset.model)
        return (yield from real_copy_chunks(queryset, expressions))

    monkeypatch.setattr(export_views, "copy_chunks", recording_copy_chunks)
    query = {"format": "csv", "ordering": "id"}
    by_copy = b"".join(haishu_api.get(URL, query).streaming_content)
    assert copied == [CommunityOrganization]
    python_path(monkeypatch)
    assert by_copy == b"".join(haishu_api.get(URL, query).streaming_content)
    rows = read_csv(haishu_api.get(URL, query))
    phones = [row[rows[0].index("联系电话")] for row in rows[1:]]
    assert phones[0::2] == ["138****5678", "'+86****5678", "********65", "******21", "****", "**", "", "057****4321"]
    assert phones[1::2] == [inert_csv_text(phone) for phone in AWKWARD_PHONES]  # its own district's, in full


def test_a_model_that_cannot_say_its_district_in_sql_keeps_the_python_path_for_masked_readers(db):
    reader = make_user("district", district="330203")
    table = ExportTable(OrganizationSerializer(), ["id", "name", "phone"])
    assert getattr(OrganizationSerializer.Meta.model, "jurisdiction_path", None) is None
    assert copy_columns(table, principal_of(reader)) is None
    assert copy_columns(table, principal_of(make_user("clerk"))) is not None


def test_nested_records_keep_the_python_path(clerk):
    # The organizations list carries annual reports, credit-list entries and party organizations.
    assert copy_columns(ExportTable(OrganizationSerializer()), principal_of(clerk)) is None


def test_district_reader_gets_masked_phones_of_other_districts(haishu_api):
    awkward_filings()
    rows = read_csv(haishu_api.get(URL, {"format": "csv"}))
    header, body = rows[0], rows[1:]
    phones = {row[header.index("区（县、市）")]: row[header.index("联系电话")] for row in body}
    assert phones["330212"] == "139****5678"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The scale-1 demo data (every kind of record), rolled back after the module."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", scale=1, seed=333, verbosity=0)
        yield
        transaction.set_rollback(True)
    # seed_demo records its link tables' loads under content types it creates; the rollback removed
    # them from the database, so they must leave ContentType's cache too.
    ContentType.objects.clear_cache()


def list_urls() -> list[str]:
    """Every API list but the export log, which each export lengthens."""
    names = {resource.name for resource in _resources_by_model().values()} - {"export-log"}
    return sorted(f"/api/v1/{name}/" for name in names)


@postgresql_only
@pytest.mark.slow
@pytest.mark.parametrize("reader", ["clerk_api", "haishu_api"])
def test_every_list_written_by_copy_reads_as_the_python_path_writes_it(demo, reader, monkeypatch, request):
    """Every API list whose columns SQL can write, on the demo data: the same bytes by both paths, for
    a clerk and for a district system (other districts' personal data masked)."""
    client = request.getfixturevalue(reader)
    copied = []
    real_copy_chunks = export_views.copy_chunks

    def recording_copy_chunks(queryset, expressions):
        copied.append(queryset.model)
        return (yield from real_copy_chunks(queryset, expressions))

    monkeypatch.setattr(export_views, "copy_chunks", recording_copy_chunks)
    by_copy = {}
    for url in list_urls():
        response = client.get(url, {"format": "csv"})
        if response.status_code == 403 and reader == "haishu_api":  # the change history: clerks and auditors
            continue
        by_copy[url] = b"".join(response.streaming_content)
    assert CommunityOrganization in copied and len(copied) >= 5

    python_path(monkeypatch)
    for url, content in by_copy.items():
        assert content == b"".join(client.get(url, {"format": "csv"}).streaming_content), url


def test_a_filter_no_row_can_match_gives_the_header_only(clerk_api):
    """An organization id beyond any key makes the query empty before it runs (found by fuzzing)."""
    make_filing()
    rows = read_csv(clerk_api.get("/api/v1/annual-reports/", {"format": "csv", "organization": "4.58e16"}))
    assert len(rows) == 1 and rows[0][0] == "ID"
