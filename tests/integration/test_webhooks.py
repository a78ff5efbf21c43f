"""Webhooks (DESIGN §10): events POSTed signed per Standard Webhooks, retried with backoff until a 2xx,
every attempt in `webhook-deliveries/`, subscriptions disabled when the attempts run out, targets
checked against the allow-list."""

import datetime
import http.server
import re
import threading
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.choices import Role
from integration import webhooks
from integration.models import WebhookDelivery, WebhookSubscription
from tests.conftest import api_client_for, make_organization, make_user

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def receiver_example() -> dict:
    """The receiver of docs/api.md (the ```python block after "Verifying a webhook"), run as written."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"Verifying a webhook.*?```python\n(.*?)```", text, re.S)
    assert found, "docs/api.md shows no receiver example"
    namespace: dict = {}
    exec(compile(found.group(1), str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


class Receiver:
    """An HTTP server on 127.0.0.1 answering the statuses given, in turn, and keeping each request."""

    def __init__(self, statuses):
        self.statuses, self.requests = list(statuses), []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                outer.requests.append((self.headers, body))
                self.send_response(outer.statuses.pop(0) if outer.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback_allowed(settings):
    settings.DEBUG = False
    settings.INTEGRATION_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def subscribe(client, url, **extra):
    response = client.post("/api/v1/webhooks/", {"url": url, "secret": SECRET, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def deliver_until(now, condition, timeout=30.0):
    """deliver_due at `now` until `condition()` (on PostgreSQL an event is handed out only once every
    older transaction of the server has ended)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "nothing was delivered in time"
        webhooks.deliver_due(now)
        time.sleep(0.02)


@pytest.mark.slow
def test_a_receiver_answering_500_twice_then_200_gets_three_signed_attempts_all_listed(
    committed_feed, loopback_allowed
):
    receiver = Receiver([500, 500, 200])
    try:
        district = api_client_for(make_user(Role.DISTRICT, district="330212", staff=False))
        subscription = subscribe(district, receiver.url, resources=["organizations"])
        organization = make_organization(registered_by="330212")
        now = timezone.now()
        deliver_until(now, lambda: len(receiver.requests) >= 1)
        webhooks.deliver_due(now + datetime.timedelta(seconds=10))  # not due yet: no attempt
        assert len(receiver.requests) == 1
        later = now + webhooks.backoff(1)
        webhooks.deliver_due(later)
        webhooks.deliver_due(later + webhooks.backoff(2))
        assert len(receiver.requests) == 3

        verify = receiver_example()["verify"]
        for headers, body in receiver.requests:
            assert verify(SECRET, headers, body, now=int(headers["webhook-timestamp"]))
            assert not verify(SECRET.replace("M", "N", 1), headers, body, now=int(headers["webhook-timestamp"]))
        ids = {headers["webhook-id"] for headers, _body in receiver.requests}
        assert len(ids) == 1  # one message, delivered three times: the receiver de-duplicates by it
        assert (
            b'"action":"created"' in receiver.requests[0][1]
            and str(organization.pk).encode() in receiver.requests[0][1]
        )

        listed = district.get("/api/v1/webhook-deliveries/").json()["results"]
        assert [(row["attempt"], row["status"], row["status_code"]) for row in reversed(listed)] == [
            (1, "failed", 500),
            (2, "failed", 500),
            (3, "succeeded", 200),
        ]
        assert all(row["webhook"] == subscription["id"] for row in listed)
        assert listed[-1]["next_attempt_at"] is not None and listed[0]["next_attempt_at"] is None
        assert "secret" not in district.get(f"/api/v1/webhooks/{subscription['id']}/").json()
    finally:
        receiver.close()


@pytest.mark.slow
def test_a_webhook_whose_attempts_run_out_is_disabled_with_its_reason(committed_feed, loopback_allowed, settings):
    settings.INTEGRATION_WEBHOOK_MAX_ATTEMPTS = 2
    receiver = Receiver([500] * 5)
    try:
        clerk = api_client_for(make_user(Role.CLERK))
        subscription = subscribe(clerk, receiver.url)
        make_organization()
        now = timezone.now()
        deliver_until(now, lambda: len(receiver.requests) >= 1)
        webhooks.deliver_due(now + webhooks.backoff(1))
        stored = WebhookSubscription.objects.get(pk=subscription["id"])
        assert not stored.active and stored.disabled_at is not None and "500" in stored.disabled_reason
        webhooks.deliver_due(now + datetime.timedelta(days=1))
        assert len(receiver.requests) == 2
        resent = webhooks.resend(WebhookDelivery.objects.filter(subscription=stored).latest("id"))
        assert resent.attempt == 3 and resent.status == "pending"
    finally:
        receiver.close()


def test_the_retries_span_at_least_six_attempts_over_an_hour(settings):
    attempts = settings.INTEGRATION_WEBHOOK_MAX_ATTEMPTS
    waits = [webhooks.backoff(n) for n in range(1, attempts)]
    assert attempts >= 6 and sum(waits, datetime.timedelta()) >= datetime.timedelta(hours=1)
    assert all(later > earlier for earlier, later in zip(waits, waits[1:], strict=False))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://10.0.0.8/hook",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://localhost/",
        "ftp://example.com/",
    ],
)
def test_internal_targets_are_refused_unless_allowed(settings, url):
    settings.DEBUG = False
    settings.INTEGRATION_WEBHOOK_ALLOWED_NETWORKS = []
    with pytest.raises(ValidationError):
        webhooks.check_target(url)


def test_the_allow_list_and_debug_admit_loopback(settings):
    settings.DEBUG, settings.INTEGRATION_WEBHOOK_ALLOWED_NETWORKS = False, ["127.0.0.1/32"]
    webhooks.check_target("http://127.0.0.1:8080/hook")
    settings.DEBUG, settings.INTEGRATION_WEBHOOK_ALLOWED_NETWORKS = True, []
    webhooks.check_target("http://127.0.0.1:8080/hook")


def test_the_signature_is_the_standard_webhooks_one():
    # The example of the Standard Webhooks reference libraries (standard-webhooks, test vectors).
    secret = webhooks.base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    body = b'{"test": 2432232314}'
    assert (
        webhooks.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


@pytest.mark.django_db
def test_a_subscription_to_an_internal_url_or_with_a_bad_secret_is_a_400(clerk_api, settings):
    settings.DEBUG, settings.INTEGRATION_WEBHOOK_ALLOWED_NETWORKS = False, []
    internal = clerk_api.post("/api/v1/webhooks/", {"url": "http://10.1.2.3/", "secret": SECRET}, format="json")
    assert internal.status_code == 400 and "url" in internal.json()
    bad = clerk_api.post("/api/v1/webhooks/", {"url": "http://10.1.2.3/", "secret": "plain"}, format="json")
    assert "secret" in bad.json()
    unknown = clerk_api.post(
        "/api/v1/webhooks/", {"url": "https://93.184.215.14/", "secret": SECRET, "resources": ["x"]}, format="json"
    )
    assert unknown.status_code == 400 and "resources" in unknown.json()
    assert not WebhookSubscription.objects.exists()


@pytest.mark.slow
def test_a_failing_receiver_gets_one_attempt_a_round(committed_feed, loopback_allowed):
    receiver = Receiver([500] * 10)
    try:
        clerk = api_client_for(make_user(Role.CLERK))
        subscribe(clerk, receiver.url)
        make_organization()
        make_organization()
        now = timezone.now()
        deliver_until(now, lambda: WebhookDelivery.objects.count() >= 2 and len(receiver.requests) >= 1)
        assert len(receiver.requests) == 1
        assert WebhookDelivery.objects.filter(status="pending", attempt=1).count() == 1  # the other one waits
    finally:
        receiver.close()
