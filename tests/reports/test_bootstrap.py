"""`make run`'s set-up step (`manage.py bootstrap`): loads only into an empty database, creates the admin
login once, and prints where the server it precedes will listen."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from core.access import principal_of
from core.choices import Role
from registry.models import Division, Organization
from reports.management.commands import bootstrap
from tests.conftest import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def login_file(tmp_path, monkeypatch):
    path = tmp_path / ".admin-login"
    monkeypatch.setattr(bootstrap, "LOGIN_FILE", path)
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("bootstrap", *args, stdout=out)
    return out.getvalue()


def test_a_database_with_data_is_left_as_it_is_and_the_login_is_made_once(login_file):
    divisions = Division.objects.count()
    first = run()
    assert "nothing loaded" in first
    assert Division.objects.count() == divisions and not Organization.objects.exists()
    login = login_file.read_text().strip()
    assert login.startswith("admin / ") and f"Admin login: {login}" in first
    assert f"Admin login: {login}" in run()  # the same login again, not a new password


def test_prints_the_address_make_run_serves_on(login_file):
    assert "Admin: http://127.0.0.1:8000/admin/" in run()
    assert "Admin: http://0.0.0.0:8080/admin/" in run("--address", "0.0.0.0:8080")


def test_an_empty_database_gets_the_fixtures_and_the_demo_data(login_file, monkeypatch):
    loaded = []
    monkeypatch.setattr(bootstrap, "call_command", lambda name, *args, **kwargs: loaded.append((name, args)))
    monkeypatch.setattr(Division.objects, "exists", lambda: False)
    output = run()
    assert loaded[0] == ("loaddata", tuple(bootstrap.settings.REGISTRY_FIXTURES))
    assert loaded[1][0] == "seed_demo"
    assert "Empty database" in output


def test_the_login_file_is_readable_by_its_owner_only(login_file):
    run()
    assert login_file.stat().st_mode & 0o777 == 0o600


def test_a_login_file_written_before_is_made_private(login_file):
    run()
    login_file.chmod(0o644)
    run()
    assert login_file.stat().st_mode & 0o777 == 0o600


def test_with_the_demo_data_a_demo_clerk_and_a_demo_auditor_can_log_in(login_file):
    make_organization(is_demo=True)
    output = run()
    lines = login_file.read_text().splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["admin", "demo-clerk", "demo-auditor"]
    for line in lines:
        assert f": {line}" in output
    clerk, auditor = (User.objects.get(username=name) for name in ("demo-clerk", "demo-auditor"))
    assert principal_of(clerk).role == Role.CLERK and principal_of(auditor).role == Role.AUDITOR
    assert (
        clerk.first_name.startswith("【演示】") and auditor.first_name.startswith("【演示】") and not clerk.is_superuser
    )
    password = lines[1].split(" / ")[1].split()[0]
    assert clerk.check_password(password) and clerk.is_staff and clerk.is_active
    assert login_file.stat().st_mode & 0o777 == 0o600
    assert run().count("demo-clerk / ") == 1 and login_file.read_text().splitlines() == lines  # made once


def test_without_the_demo_data_there_are_no_demo_logins(login_file):
    run()
    assert not User.objects.filter(username__startswith="demo-").exists()
