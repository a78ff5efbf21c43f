"""Open data (DESIGN §11): `publish_open_data` writes a dated release of public records that /open-data/ serves."""

import csv
import datetime
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from public.opendata import RESOURCES, publish_open_data, releases
from reports.selectors import statistics
from tests.conftest import make_organization
from tests.public.builders import list_organization, make_rated_organization
from tests.registry.builders import make_filing

pytestmark = [pytest.mark.django_db, pytest.mark.today("2024-05-10")]
DAY = datetime.date(2024, 5, 9)


@pytest.fixture
def root(tmp_path, settings):
    settings.OPEN_DATA_ROOT = tmp_path / "open-data"
    return settings.OPEN_DATA_ROOT


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_release_holds_every_resource_in_both_formats_with_schema_readme_and_sums(root):
    organization, _ = make_rated_organization(name="宁波市开放数据协会", phone="13911112222")
    list_organization(organization)
    make_filing(name="开放数据舞蹈队", contact_person="王五", contact_phone="13733334444")
    call_command("publish_open_data", "--date", DAY.isoformat(), stdout=io.StringIO())
    release = root / DAY.isoformat()
    names = {path.name for path in release.iterdir()}
    for resource in RESOURCES:
        assert {f"{resource.name}.csv", f"{resource.name}.jsonl"} <= names
    assert {"schema.json", "README.md", "SHA256SUMS", "manifest.json"} <= names
    organizations = read_jsonl(release / "organizations.jsonl")
    assert [row["name"] for row in organizations] == ["宁波市开放数据协会"] and organizations[0]["grade"] == 4
    assert read_csv(release / "organizations.csv")[0]["uscc"] == organization.uscc
    assert read_jsonl(release / "credit_lists.jsonl")[0]["list_kind"] == "abnormal"
    assert read_jsonl(release / "ratings.jsonl")[0]["valid_until"] == "2027-05-31"
    everything = b"".join(path.read_bytes() for path in release.iterdir())
    for personal in ["13911112222", "王五", "13733334444"]:
        assert personal.encode() not in everything
    for line in (release / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest
    schema = json.loads((release / "schema.json").read_text())
    for row in organizations:
        assert set(row) == set(schema["$defs"]["organizations"]["properties"])
    assert "首次发布" in (release / "README.md").read_text()


def test_counts_equal_the_statistics_of_the_release_date(root):
    for n in range(3):
        make_rated_organization(grade=3 + n)
    make_organization(registered_on=datetime.date(2024, 5, 10))  # after the day: not yet counted
    make_filing()
    release = publish_open_data(day=DAY)
    counts = json.loads((release / "manifest.json").read_text())["counts"]
    figures = statistics(DAY)
    assert counts["organizations"] == figures["organizations"]["total"] == 3
    assert counts["filings"] == figures["community_organizations"]["total"]
    assert counts["ratings"] == figures["ratings"]["rated"]


def test_records_not_public_are_left_out_and_counted_as_withheld(root):
    make_organization(name="宁波市公开协会")
    hidden = make_organization(name="宁波市不公开协会", public=False, not_public_reason="涉密")
    list_organization(hidden)
    make_filing(name="不公开的队", public=False, not_public_reason="申请人要求")
    release = publish_open_data(day=DAY)
    everything = b"".join(path.read_bytes() for path in release.iterdir() if path.suffix in {".csv", ".jsonl"})
    assert "宁波市公开协会".encode() in everything
    assert "不公开".encode() not in everything and hidden.uscc.encode() not in everything
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["withheld"] == {"organizations": 1, "filings": 1, "ratings": 0, "credit_lists": 1}
    assert (
        manifest["counts"]["organizations"] + manifest["withheld"]["organizations"]
        == (statistics(DAY)["organizations"]["total"])
    )


def test_only_the_last_releases_are_kept(root, settings):
    settings.OPEN_DATA_KEEP = 3
    for offset in range(5):
        publish_open_data(day=DAY - datetime.timedelta(days=offset))
    assert [path.name for path in releases()] == ["2024-05-09", "2024-05-08", "2024-05-07"]


def test_readme_says_which_fields_changed_since_the_previous_release(root):
    first = publish_open_data(day=DAY - datetime.timedelta(days=1))
    manifest = json.loads((first / "manifest.json").read_text())
    manifest["fields"]["organizations"].remove("field")
    manifest["fields"]["organizations"].append("old_column")
    (first / "manifest.json").write_text(json.dumps(manifest))
    readme = (publish_open_data(day=DAY) / "README.md").read_text()
    assert "organizations：新增字段 field" in readme and "organizations：删除字段 old_column" in readme


def test_the_command_refuses_a_bad_date(root):
    with pytest.raises(CommandError):
        call_command("publish_open_data", "--date", "2024-13-01")


def test_open_data_page_lists_releases_and_serves_their_files(root, client):
    make_organization(name="宁波市下载测试协会")
    publish_open_data(day=DAY)
    page = client.get("/open-data/")
    assert page.status_code == 200 and "2024-05-09" in page.content.decode()
    assert "/open-data/2024-05-09/organizations.csv" in page.content.decode()
    download = client.get("/open-data/2024-05-09/organizations.csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert "宁波市下载测试协会".encode() in b"".join(download.streaming_content)
    assert client.get("/open-data/2024-05-09/manifest.json").status_code == 200
    # Every file of the release is listed and served, README.md (upper case) included.
    for name in ["README.md", "SHA256SUMS", "schema.json", "filings.jsonl"]:
        assert f"/open-data/2024-05-09/{name}" in page.content.decode(), name
        assert client.get(f"/open-data/2024-05-09/{name}").status_code == 200, name
    for bad in [
        "/open-data/2024-05-09/..%2Fsecret",
        "/open-data/latest/organizations.csv",
        "/open-data/2024-05-08/x.csv",
    ]:
        assert client.get(bad).status_code == 404, bad


def test_open_data_page_without_releases(root, client):
    assert "尚无发布的版本" in client.get("/open-data/").content.decode()
