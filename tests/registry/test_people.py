"""The responsible people of organizations (DESIGN §9): ID numbers checked (python-stdnum `cn.ric`),
encrypted at rest and found by a keyed index, whole only for clerks and the record's district; the
organization's legal representative is its current `legal_representative` person."""

import datetime
import io

import pytest
from django.conf import settings as django_settings
from django.db import connection

from core.choices import Role
from core.models import ChangeRecord
from registry.choices import PersonRole
from registry.models import OrganizationPerson
from tests.conftest import api_client_for, make_organization, make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/organization-people/"
# Valid check characters and birth dates, invented for the tests (issuing division 330212, 鄞州区).
ID_NUMBER = "330212200301191234"
OTHER_ID_NUMBER = "33020319850604002X"
INVALID_CHECK = "330212200301191235"
INVALID_BIRTH = "330212200302301239"


def make_person(organization, **fields) -> OrganizationPerson:
    values = {
        "role": PersonRole.SECRETARY_GENERAL,
        "name": "张三",
        "id_number": ID_NUMBER,
        "phone": "13912345678",
        "started_on": datetime.date(2020, 1, 1),
    }
    person = OrganizationPerson(organization=organization, **{**values, **fields})
    person.full_clean()
    person.save()
    return person


def client_of(role, district=None):
    return api_client_for(make_user(role, district=district, staff=role != Role.DISTRICT))


def test_the_test_numbers_are_valid():
    from stdnum.cn import ric

    assert ric.is_valid(ID_NUMBER) and ric.is_valid(OTHER_ID_NUMBER)
    assert not ric.is_valid(INVALID_CHECK) and not ric.is_valid(INVALID_BIRTH)


def person_body(organization, **fields) -> dict:
    body = {"organization": organization.pk, "role": "chair", "name": "李四", "id_number": ID_NUMBER}
    return {**body, "phone": "13912345678", "from": "2021-05-01", **fields}


def test_a_clerk_files_a_person_with_from_and_until():
    organization = make_organization(registered_by_id="330212")
    response = client_of(Role.CLERK).post(URL, person_body(organization, until="2024-04-30"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["from"], body["until"], body["id_number"]) == ("2021-05-01", "2024-04-30", ID_NUMBER)


@pytest.mark.parametrize(
    ("number", "word"), [(INVALID_CHECK, "check"), (INVALID_BIRTH, "birth"), ("33021219800101123", "18")]
)
def test_an_invalid_id_number_is_400_saying_what_is_wrong(number, word):
    organization = make_organization(registered_by_id="330212")
    client = client_of(Role.CLERK)
    client.credentials(HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"], HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(URL, person_body(organization, id_number=number), format="json")
    assert response.status_code == 400
    assert word in " ".join(response.json()["id_number"])


def test_an_auditor_sees_masked_id_numbers_and_a_clerk_whole():
    person = make_person(make_organization(registered_by_id="330212"))
    auditor = client_of(Role.AUDITOR).get(f"{URL}{person.pk}/").json()
    assert auditor["id_number"] == "330212********1234"
    assert auditor["phone"] == "13912345678"  # phones: whole for auditors (§3)
    assert client_of(Role.CLERK).get(f"{URL}{person.pk}/").json()["id_number"] == ID_NUMBER


def test_the_records_district_sees_the_id_number_whole_and_other_districts_masked():
    person = make_person(make_organization(registered_by_id="330212"))
    query = {"organization": person.organization_id, "role": PersonRole.SECRETARY_GENERAL}
    own = client_of(Role.DISTRICT, "330212").get(URL, query).json()
    assert own["results"][0]["id_number"] == ID_NUMBER
    other = client_of(Role.DISTRICT, "330203").get(URL, query).json()
    assert (other["results"][0]["id_number"], other["results"][0]["phone"]) == ("330212********1234", "139****5678")


def test_an_auditors_export_masks_the_id_number():
    person = make_person(make_organization(registered_by_id="330212"))
    response = client_of(Role.AUDITOR).get(URL, {"format": "csv", "organization": person.organization_id})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "330212********1234" in text and ID_NUMBER not in text


def test_the_id_number_is_stored_encrypted_and_kept_out_of_the_history():
    person = make_person(make_organization(registered_by_id="330212"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_index FROM registry_organizationperson WHERE id = %s", [person.pk])
        stored, index = cursor.fetchone()
    assert ID_NUMBER not in stored and ID_NUMBER not in index and len(index) == 64
    history = ChangeRecord.objects.filter(object_id=person.pk, content_type__model="organizationperson").get()
    assert history.changes["id_number"] == [None, "330212********1234"]
    assert "id_number_index" not in history.changes


def test_a_clerk_finds_a_person_by_the_whole_id_number_and_others_may_not():
    organization = make_organization(registered_by_id="330212")
    person = make_person(organization)
    make_person(organization, id_number=OTHER_ID_NUMBER, name="王五")
    found = client_of(Role.CLERK).get(URL, {"id_number": ID_NUMBER.lower()}).json()
    assert [row["id"] for row in found["results"]] == [person.pk]
    assert client_of(Role.AUDITOR).get(URL, {"id_number": ID_NUMBER}).status_code == 400


def test_a_district_cannot_file_a_person_of_another_districts_organization():
    organization = make_organization(registered_by_id="330203")
    before = OrganizationPerson.objects.count()
    response = client_of(Role.DISTRICT, "330212").post(URL, person_body(organization), format="json")
    assert response.status_code == 403
    assert OrganizationPerson.objects.count() == before


def test_people_are_never_written_by_a_township_desk():
    organization = make_organization(registered_by_id="330212")
    desk = api_client_for(make_user(Role.TOWNSHIP, township="330212001"))
    assert desk.post(URL, person_body(organization), format="json").status_code == 403


def test_the_people_list_reads_in_a_constant_number_of_queries(django_assert_max_num_queries):
    organization = make_organization(registered_by_id="330212")
    for number in range(5):
        make_person(organization, name=f"人员{number}")
    client = client_of(Role.DISTRICT, "330203")
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"role": PersonRole.SECRETARY_GENERAL})
    assert response.json()["count"] == 5


# --- the legal representative ----------------------------------------------------------------------


def test_a_new_legal_representative_person_becomes_the_organizations_legal_representative():
    organization = make_organization(registered_by_id="330212", legal_representative="旧代表")
    body = person_body(organization, role="legal_representative", name="新代表", **{"from": "2024-01-01"})
    response = client_of(Role.CLERK).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    organization.refresh_from_db()
    assert organization.legal_representative == "新代表"
    read = client_of(Role.CLERK).get(f"/api/v1/organizations/{organization.pk}/").json()
    assert read["legal_representative"] == "新代表"


def test_a_legal_representative_written_on_the_organization_becomes_its_current_person():
    organization = make_organization(registered_by_id="330212", legal_representative="甲")
    client = client_of(Role.CLERK)
    assert client.patch(f"/api/v1/organizations/{organization.pk}/", {"legal_representative": "乙"}, format="json")
    people = OrganizationPerson.objects.filter(organization=organization, role=PersonRole.LEGAL_REPRESENTATIVE)
    current = [person.name for person in people if person.ended_on is None]
    assert current == ["乙"]
    assert sorted(person.name for person in people) == ["乙", "甲"]


@pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="pg_dump needs PostgreSQL (run with DATABASE_URL=postgres://...)",
)
@pytest.mark.restores_baseline
def test_pg_dump_of_the_database_holds_no_demo_id_number_in_plain_text(baseline_kept):
    """On PostgreSQL only: a dump of the data (rows committed by this test) never shows the number. The
    test commits its rows, so the database as the session had it is put back afterwards."""
    import os
    import shutil
    import subprocess

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    from reports.demo.people import demo_id_number

    number = demo_id_number(__import__("random").Random(7), district="330212")
    person = make_person(make_organization(registered_by_id="330212"), id_number=number)
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    command = ["pg_dump", "--data-only", "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
    command += ["-U", settings["USER"], settings["NAME"]]
    dump = subprocess.run(command, env=env, capture_output=True, check=True).stdout
    assert person.name.encode() in dump  # the dump holds the person's row...
    assert number.encode() not in dump  # ...but not the number
    assert io.BytesIO(dump).getbuffer().nbytes > 0


def test_the_admin_masks_id_numbers_for_auditors_and_finds_them_for_clerks(client):
    person = make_person(make_organization(registered_by_id="330212"))
    client.force_login(make_user(Role.AUDITOR))
    organization_page = client.get(f"/admin/registry/organization/{person.organization_id}/change/").content.decode()
    assert "330212********1234" in organization_page and ID_NUMBER not in organization_page
    assert ID_NUMBER not in client.get("/admin/registry/organizationperson/").content.decode()
    client.force_login(make_user(Role.CLERK))
    found = client.get("/admin/registry/organizationperson/", {"q": ID_NUMBER})
    assert list(found.context["cl"].result_list) == [person]


def test_a_key_rotation_keeps_numbers_readable_and_rekeying_makes_them_searchable_again(settings):
    from django.core.management import call_command

    from core.personal_data import blind_index

    person = make_person(make_organization(registered_by_id="330212"))
    field = OrganizationPerson._meta.get_field("id_number")
    settings.PERSONAL_DATA_KEYS = ["a-new-key-for-the-test", *settings.PERSONAL_DATA_KEYS]
    field.__dict__.pop("keys", None), field.__dict__.pop("f", None)  # the field caches its keys
    try:
        assert OrganizationPerson.objects.get(pk=person.pk).id_number == ID_NUMBER  # the old key still decrypts
        assert not OrganizationPerson.objects.filter(id_number_index=blind_index(ID_NUMBER)).exists()
        call_command("rekey_personal_data", stdout=io.StringIO())
        assert OrganizationPerson.objects.get(id_number_index=blind_index(ID_NUMBER)).id_number == ID_NUMBER
    finally:
        field.__dict__.pop("keys", None), field.__dict__.pop("f", None)
