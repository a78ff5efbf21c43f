"""What a person finds at the site's doors: / leads to the admin, whose sections follow a clerk's day;
/api/v1/ links every resource; the browser's tab has an icon."""

import re

import pytest

from core.choices import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SECTIONS_IN_ORDER = [
    "社会组织登记",
    "社区社会组织备案",
    "评估与荣誉",
    "平台建设",
    "政府购买服务与职能转移",
    "统计报表",
    "权限与变更历史",
]


def test_the_root_leads_to_the_admin(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_admin_index_lists_the_sections_in_the_order_of_a_clerks_day(client):
    client.force_login(make_user(Role.CLERK))
    text = client.get("/admin/").content.decode()
    captions = re.findall(r'<caption>\s*<a href="[^"]*" class="section"[^>]*>([^<]+)</a>', text)
    assert [caption for caption in captions if caption in SECTIONS_IN_ORDER] == SECTIONS_IN_ORDER
    assert captions.index("社会组织登记") == 0
    filings = text.index("社区社会组织备案</a>")
    assert text.count('class="model-communityorganization"') == 1  # in its own section, not again
    assert text.index('class="model-communityorganization"') > filings


def test_the_api_root_links_every_resource(client):
    client.force_login(make_user(Role.AUDITOR))
    links = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    for name in ("organizations", "community-organizations", "evaluations", "platforms", "purchased-services", "stats"):
        assert links[name].startswith("http://testserver/api/v1/")
    assert links["organizations"] == "http://testserver/api/v1/organizations/"


def test_the_api_root_is_closed_to_anonymous_callers(client):
    assert client.get("/api/v1/").status_code in (401, 403)


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("core/favicon.svg")
