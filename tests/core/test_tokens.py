"""API clients and tokens: hashed keys, expiry, revocation, read-only tokens, last use, the command, the admin."""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from core.access import principal_of
from core.choices import ChangeAction, ChangeSource, Role
from core.models import AccessProfile, ApiToken, ChangeRecord
from core.models.access import hash_token_key
from tests.conftest import make_organization, make_user
from tests.core.conftest import admin_form_data, make_client_account

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]
URL = "/api/v1/organizations/"


def run_create_api_client(*args) -> list[str]:
    out = io.StringIO()
    call_command("create_api_client", *args, stdout=out)
    return out.getvalue().rstrip("\n").split("\n")


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# --- create_api_client ------------------------------------------------------------------------------


def test_create_api_client_prints_the_key_alone_on_the_last_line_and_it_works():
    lines = run_create_api_client("yinzhou-sync", "--role", "district", "--district", "330212")
    key = lines[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key), "43 URL-safe characters: 256 random bits"
    assert all(key not in line for line in lines[:-1])
    user = get_user_model().objects.get(username="yinzhou-sync")
    assert not user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert user.access_profile.district_code == "330212"
    assert principal_of(user).role == Role.DISTRICT and principal_of(user).district == "330212"
    assert client_with(key).get(URL).status_code == 200


@pytest.mark.parametrize("role", [Role.CLERK, Role.AUDITOR])
def test_create_api_client_for_clerk_and_auditor(role):
    key = run_create_api_client(f"{role}-system", "--role", role)[-1]
    user = get_user_model().objects.get(username=f"{role}-system")
    assert principal_of(user).role == role and user.access_profile.district_code == ""
    assert client_with(key).get(URL).status_code == 200


def test_create_api_client_read_only_and_lifetime():
    key = run_create_api_client("reader", "--role", "clerk", "--read-only", "--days", "30")[-1]
    token = ApiToken.objects.get(key_hash=hash_token_key(key))
    assert token.read_only
    assert abs(token.expires_at - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(minutes=1)
    response = client_with(key).post(URL, {}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "arguments, complaint",
    [
        (["--role", "district"], "required"),
        (["--role", "district", "--district", "330204"], "not a current district"),  # 江东区: historical
        (["--role", "district", "--district", "330200"], "not a current district"),  # the city
        (["--role", "district", "--district", "330212001"], "not a current district"),  # a township
        (["--role", "clerk", "--district", "330212"], "only for --role district"),
        (["--role", "auditor", "--district", "330212"], "only for --role district"),
        (["--role", "district", "--district", "330212", "--days", "0"], "at least 1"),
    ],
)
def test_create_api_client_validates_the_district(arguments, complaint):
    with pytest.raises(CommandError, match=complaint):
        run_create_api_client("bad-client", *arguments)
    assert not get_user_model().objects.filter(username="bad-client").exists()


def test_create_api_client_refuses_an_existing_name():
    make_user(Role.CLERK, username="taken")
    with pytest.raises(CommandError, match="exists already"):
        run_create_api_client("taken", "--role", "clerk")


def test_create_api_client_is_recorded_as_a_command():
    run_create_api_client("haishu-sync", "--role", "district", "--district", "330203")
    profile = AccessProfile.objects.get(user__username="haishu-sync")
    record = ChangeRecord.objects.get(content_type__model="accessprofile", object_id=profile.pk)
    assert record.action == ChangeAction.CREATE and record.source == ChangeSource.COMMAND
    assert record.actor is None and record.actor_name.startswith("manage.py create_api_client")
    assert record.changes["district_code"] == [None, "330203"]


# --- keys are stored hashed -------------------------------------------------------------------------


def test_tokens_are_nowhere_in_the_database_in_plain_text(clerk_browser):
    from django.apps import apps

    key = run_create_api_client("sync", "--role", "district", "--district", "330212")[-1]
    client_with(key).get(URL)
    client_with(key).post(URL, {"name": "x"}, format="json")
    issued = clerk_browser.post(
        "/admin/core/apitoken/add/",
        {"user": get_user_model().objects.get(username="sync").pk, "name": "second", "lifetime_days": 10},
    )
    admin_key = re.search(r'id="issued-key"[^>]*>([A-Za-z0-9_-]{43})<', issued.content.decode()).group(1)
    for model in apps.get_models():
        for row in model._base_manager.values_list():
            text = " ".join(str(value) for value in row)
            assert key not in text and admin_key not in text, f"a key in plain text in {model._meta.db_table}"
    assert ApiToken.objects.filter(key_hash=hash_token_key(key)).exists()


# --- unknown, expired, revoked: the same 401 --------------------------------------------------------


def test_unknown_expired_and_revoked_tokens_get_the_same_401():
    user = make_client_account("sync")
    expired, expired_key = ApiToken.issue(user=user)
    expired.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    expired.save()
    revoked, revoked_key = ApiToken.issue(user=user)
    revoked.revoked_at = timezone.now()
    revoked.save()
    answers = [client_with(key).get(URL) for key in ("not-a-real-key-at-all", expired_key, revoked_key)]
    assert {response.status_code for response in answers} == {401}
    assert len({response.content for response in answers}) == 1
    assert all(response["WWW-Authenticate"] == "Token" for response in answers)


def test_a_deactivated_client_is_refused():
    user = make_client_account("sync")
    _, key = ApiToken.issue(user=user)
    user.is_active = False
    user.save()
    assert client_with(key).get(URL).status_code == 401


def test_the_roles_read_with_the_token_are_those_of_the_groups_at_each_request():
    """core.auth reads the roles in the token's query (one query a request): a change of the groups or
    a revocation takes effect on the next request, and a group still named by the role's value (a
    database from before the Chinese names) counts, as roles_of_groups says."""
    from django.contrib.auth.models import Group

    user = make_user(Role.AUDITOR)
    token, key = ApiToken.issue(user=user)
    client = client_with(key)
    assert client.get(URL).status_code == 200
    assert client.post(URL, {}, format="json").status_code == 403  # an auditor reads only
    user.groups.clear()
    assert client.get(URL).status_code == 403  # no role: nothing to read
    user.groups.add(Group.objects.create(name=Role.CLERK))  # the legacy name of the clerks' group
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    assert not any("auth_user_groups" in query["sql"] and "apitoken" not in query["sql"] for query in queries)
    user.groups.add(Group.objects.get(name="监督查询人员"))  # clerk and auditor: the clerk's role wins
    assert client.post(URL, {}, format="json").status_code == 400  # a clerk may write (the body is empty)
    token.revoked_at = timezone.now()
    token.save()
    assert client.get(URL).status_code == 401


def test_anonymous_is_401(anonymous_api):
    response = anonymous_api.get(URL)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


# --- last use --------------------------------------------------------------------------------------


def test_last_used_is_written_once_per_resolution_not_on_every_request():
    token, key = ApiToken.issue(user=make_client_account("sync"))
    client = client_with(key)
    client.get(URL)
    token.refresh_from_db()
    first = token.last_used
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    assert not any(q["sql"].lstrip().upper().startswith("UPDATE") for q in queries.captured_queries)
    token.refresh_from_db()
    assert token.last_used == first
    ApiToken._base_manager.filter(pk=token.pk).update(last_used=first - datetime.timedelta(hours=1))
    client.get(URL)
    token.refresh_from_db()
    assert token.last_used > first


def test_last_use_writes_no_change_record():
    _, key = ApiToken.issue(user=make_client_account("sync"))
    before = ChangeRecord.objects.count()
    client_with(key).get(URL)
    assert ChangeRecord.objects.count() == before


# --- the admin: clerks issue and revoke --------------------------------------------------------------


def test_clerk_issues_a_token_in_the_admin_and_sees_the_key_once(clerk_browser):
    account = make_client_account("sync")
    form = clerk_browser.get("/admin/core/apitoken/add/")
    assert form.status_code == 200
    response = clerk_browser.post(
        "/admin/core/apitoken/add/", {"user": account.pk, "name": "nightly", "lifetime_days": 90, "read_only": "on"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(r'id="issued-key"[^>]*>([A-Za-z0-9_-]{43})<', response.content.decode()).group(1)
    token = ApiToken.objects.get(key_hash=hash_token_key(key))
    assert token.user == account and token.read_only and token.name == "nightly"
    assert client_with(key).get(URL).status_code == 200
    page = clerk_browser.get(f"/admin/core/apitoken/{token.pk}/change/").content.decode()
    assert key not in page and token.prefix in page
    record = ChangeRecord.objects.get(content_type__model="apitoken", object_id=token.pk)
    assert record.actor == clerk_browser.user and record.source == ChangeSource.ADMIN
    assert "key_hash" not in record.changes


def test_tokens_are_only_issued_to_api_client_accounts(clerk_browser):
    person = make_user(Role.CLERK)  # a clerk's own staff login
    response = clerk_browser.post("/admin/core/apitoken/add/", {"user": person.pk, "lifetime_days": 10})
    assert response.status_code == 200 and "issued-key" not in response.content.decode()
    assert not ApiToken.objects.filter(user=person).exists()


def test_a_stored_token_cannot_be_edited(clerk_browser):
    token, _ = ApiToken.issue(user=make_client_account("sync"))
    url = f"/admin/core/apitoken/{token.pk}/change/"
    clerk_browser.post(url, {"name": "renamed", "read_only": "on"})
    token.refresh_from_db()
    assert token.name == "" and not token.read_only


def test_clerk_revokes_tokens_in_the_admin(clerk_browser):
    token, key = ApiToken.issue(user=make_client_account("sync"))
    assert client_with(key).get(URL).status_code == 200
    response = clerk_browser.post(
        "/admin/core/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client_with(key).get(URL).status_code == 401
    record = ChangeRecord.objects.filter(content_type__model="apitoken", object_id=token.pk).first()
    assert record.action == ChangeAction.UPDATE and "revoked_at" in record.changes
    assert record.actor == clerk_browser.user


def test_auditor_sees_tokens_but_cannot_issue_or_revoke(auditor_browser):
    token, _ = ApiToken.issue(user=make_client_account("sync"))
    assert auditor_browser.get("/admin/core/apitoken/").status_code == 200
    assert auditor_browser.get("/admin/core/apitoken/add/").status_code == 403
    auditor_browser.post("/admin/core/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is None


def test_admin_binds_a_client_to_a_current_district_only(clerk_browser):
    account = make_client_account("sync")
    url = f"/admin/core/accessprofile/{account.access_profile.pk}/change/"
    page = clerk_browser.get(url)
    assert page.status_code == 200
    data = admin_form_data(page, district_code="330204")
    refused = clerk_browser.post(url, data)
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    clerk_browser.post(url, {**data, "district_code": "330203"})
    account.access_profile.refresh_from_db()
    assert account.access_profile.district_code == "330203"


def test_a_district_client_without_district_writes_nothing(anonymous_api):
    user = make_user(Role.DISTRICT)  # no access profile
    assert not principal_of(user).can_write
    city = make_organization(registered_by_id="330200")
    _, key = ApiToken.issue(user=user)
    response = client_with(key).patch(f"{URL}{city.pk}/", {"address": "x"}, format="json")
    assert response.status_code == 403
