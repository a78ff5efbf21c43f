"""Failed admin logins (docs/decisions/0131-login-lockout.md): slowed from the second one,
locked at the limit for one user name or one address, the lock shown to clerks, who lift it."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from core import login
from core.choices import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "pw-Registry-2026"
LOCKS = "/admin/axes/accessattempt/"


@pytest.fixture(autouse=True)
def slept(monkeypatch):
    """The delays asked for, instead of waiting them out."""
    delays = []
    monkeypatch.setattr(login.time, "sleep", delays.append)
    return delays


def log_in(username: str, password: str, *, address: str = "10.0.0.7", client: Client | None = None):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(username: str, times: int, *, address: str = "10.0.0.7") -> None:
    for _ in range(times):
        # The form again; the failure that reaches the limit is answered with the lock.
        assert log_in(username, "wrong", address=address).status_code in (200, 429)


def test_a_clerk_who_mistyped_once_is_not_slowed_and_logs_in(slept):
    clerk = make_user(Role.CLERK)
    fail(clerk.username, 1)
    assert slept == []
    assert log_in(clerk.username, PASSWORD).status_code == 302


def test_each_further_failure_is_answered_more_slowly(slept):
    fail("clerk-x", settings.AXES_FAILURE_LIMIT - 1)
    assert slept == [1, 2, 3][: settings.AXES_FAILURE_LIMIT - 2]
    assert slept == sorted(slept) and max(slept) <= settings.REGISTRY_LOGIN_SLOWDOWN_MAX_SECONDS


def test_at_the_limit_the_user_name_is_locked_even_with_the_right_password_and_from_elsewhere():
    clerk = make_user(Role.CLERK)
    fail(clerk.username, settings.AXES_FAILURE_LIMIT)
    locked = log_in(clerk.username, PASSWORD, address="10.0.0.99")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已锁定" in page and f"{settings.AXES_COOLOFF_TIME.seconds // 60}" in page
    assert log_in(make_user(Role.CLERK).username, PASSWORD, address="10.0.0.99").status_code == 302


def test_at_the_limit_the_address_is_locked_whichever_user_name_it_tries():
    for number in range(settings.AXES_FAILURE_LIMIT):
        fail(f"guess-{number}", 1, address="10.0.0.66")
    clerk = make_user(Role.CLERK)
    assert log_in(clerk.username, PASSWORD, address="10.0.0.66").status_code == 429
    assert log_in(clerk.username, PASSWORD, address="10.0.0.67").status_code == 302


def test_the_lock_runs_out_after_the_cool_off():
    clerk = make_user(Role.CLERK)
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC), tick=False):
        fail(clerk.username, settings.AXES_FAILURE_LIMIT)
        assert log_in(clerk.username, PASSWORD).status_code == 429
    later = datetime.datetime(2026, 5, 4, 9, 1, tzinfo=datetime.UTC) + settings.AXES_COOLOFF_TIME
    with time_machine.travel(later, tick=False):
        assert log_in(clerk.username, PASSWORD).status_code == 302


def test_clerks_see_the_lock_in_chinese_and_lift_it_auditors_do_not_see_it():
    locked_user = make_user(Role.CLERK)
    fail(locked_user.username, settings.AXES_FAILURE_LIMIT)
    clerk = Client()
    clerk.force_login(make_user(Role.CLERK))
    page = clerk.get(LOCKS)
    assert page.status_code == 200
    text = page.content.decode()
    assert "登录锁定" in text and locked_user.username in text and "锁定至" in text
    attempt = AccessAttempt.objects.get(username=locked_user.username)
    lifted = clerk.post(LOCKS, {"action": "lift_locks", "_selected_action": [attempt.pk]})
    assert lifted.status_code == 302
    assert not AccessAttempt.objects.filter(username=locked_user.username).exists()
    assert log_in(locked_user.username, PASSWORD, address="10.0.0.8").status_code == 302
    auditor = Client()
    auditor.force_login(make_user(Role.AUDITOR))
    assert auditor.get(LOCKS).status_code == 403


@override_settings(REGISTRY_TRUSTED_PROXIES=1)
def test_behind_nginx_the_address_is_the_one_nginx_appended():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert login.client_address(request) == "203.0.113.9"  # the left entry is the client's to invent


@override_settings(REGISTRY_TRUSTED_PROXIES=0)
def test_without_a_proxy_the_address_is_the_peers():
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert login.client_address(request) == "10.1.1.1"
