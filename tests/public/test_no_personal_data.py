"""No personal datum of the demo data appears in any public response (DESIGN §11).

The scale-1 demo data is loaded as `make run` loads it; the walk visits every kind of public page and
API answer (search pages, organization pages of every organization on a credit list, rated, ended or
honoured plus a spread of the rest, both credit lists to their last page, every township's filings,
certificates, the schema) and an open-data release, and looks in each for the demo's phones and
contact persons, and for anything shaped like a mobile number or an identity card number. A contact
person who shares a name with a legal representative is left out of the search: a legal
representative's name is public (§11).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from public.opendata import publish_open_data
from ratings.models import Evaluation, Honour
from registry.choices import DivisionLevel, OrgStatus
from registry.models import CommunityOrganization, CreditListEntry, Division, Organization

MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
MASKED = re.compile(r"1[3-9]\d\*{4}\d{4}")
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
# Names are found whole: 【演示】曹静 is not in 【演示】曹静娜 (a legal representative, public). Numbers
# likewise, as whole runs of digits. Candidates are read from the text and looked up in the set.
DEMO_NAME = re.compile(r"【演示】[\u4e00-\u9fff]+")
DIGITS = re.compile(r"\d{7,}")
SPREAD = 251  # every 251st organization besides those with something to show


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", scale=1, verbosity=0)
        yield
        transaction.set_rollback(True)
    ContentType.objects.clear_cache()


def public_urls() -> list[str]:
    listed = set(CreditListEntry.objects.values_list("organization_id", flat=True))
    rated = set(Evaluation.objects.values_list("organization_id", flat=True)[:100])
    honoured = set(Honour.objects.filter(organization__isnull=False).values_list("organization_id", flat=True))
    ended = set(Organization.objects.exclude(status=OrgStatus.ACTIVE).values_list("pk", flat=True)[:50])
    ids = sorted(Organization.objects.values_list("pk", flat=True))
    chosen = listed | rated | honoured | ended | set(ids[::SPREAD])
    codes = Organization.objects.filter(pk__in=chosen, public=True).values_list("uscc", flat=True)
    urls = ["/public/", "/public/filings/", "/open-data/", "/api/public/v1/schema/"]
    for code in codes:
        urls += [f"/public/organizations/{code}/", f"/api/public/v1/organizations/{code}/"]
    for query in ["演示", "协会", "基金会", "促进会", "服务中心", "研究会"]:
        urls += [f"/public/?q={query}", f"/public/?q={query}&page=2", f"/api/public/v1/organizations/?q={query}"]
    urls += [f"/api/public/v1/organizations/?q=演示&page={page}&page_size=100" for page in range(1, 6)]
    for kind in ["abnormal", "serious"]:
        pages = CreditListEntry.objects.filter(list_kind=kind, removed_on__isnull=True).count() // 20 + 1
        urls += [f"/public/credit-lists/?list={kind}&page={page}" for page in range(1, pages + 1)]
    townships = Division.objects.filter(level=DivisionLevel.TOWNSHIP, successor__isnull=True)
    for n, code in enumerate(townships.values_list("code", flat=True)):
        urls += [f"/public/filings/{code}/"] + ([f"/public/filings/{code}/?page=3"] if n % 5 == 0 else [])
    urls += [f"/public/certificates/{pk}/" for pk in Evaluation.objects.values_list("pk", flat=True)[:60]]
    return urls


def forbidden_values() -> set[str]:
    representatives = set(Organization.objects.values_list("legal_representative", flat=True))
    contacts = set(CommunityOrganization.objects.exclude(contact_person="").values_list("contact_person", flat=True))
    phones = set(Organization.objects.exclude(phone="").values_list("phone", flat=True))
    phones |= set(CommunityOrganization.objects.exclude(contact_phone="").values_list("contact_phone", flat=True))
    addresses = set(Organization.objects.exclude(address="").values_list("address", flat=True))
    forbidden = (contacts - representatives) | phones | addresses
    assert all(value.startswith("【演示】") or value.isdigit() for value in forbidden)  # what the lookup reads
    return forbidden


def personal_data_in(text: str, forbidden: set[str]) -> list[str]:
    found = [token for token in DEMO_NAME.findall(text) + DIGITS.findall(text) if token in forbidden]
    found += MOBILE.findall(text) + MASKED.findall(text) + ID_NUMBER.findall(text)
    return found


@pytest.mark.django_db
@pytest.mark.slow
def test_no_personal_datum_of_the_demo_data_is_public(demo, tmp_path, settings):
    settings.PUBLIC_API_THROTTLE_RATE = "1000000/minute"
    settings.OPEN_DATA_ROOT = tmp_path
    forbidden = forbidden_values()
    assert len(forbidden) > 1000  # the demo data has phones and contact persons to leak
    client = Client()
    pages = 0
    for url in public_urls():
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        if response.status_code == 200:
            pages += 1
            leaked = personal_data_in(response.content.decode(), forbidden)
            assert not leaked, f"{url}: {leaked[:5]}"
    assert pages > 400
    release = publish_open_data(day=datetime.date(2023, 6, 15))
    for path in release.iterdir():
        leaked = personal_data_in(path.read_text(encoding="utf-8-sig"), forbidden)
        assert not leaked, f"{path.name}: {leaked[:5]}"


@pytest.mark.django_db
def test_a_demo_organization_and_filing_marked_not_public_vanish_from_every_face(demo, tmp_path, settings):
    settings.OPEN_DATA_ROOT = tmp_path
    organization = (
        Organization.objects.filter(status=OrgStatus.ACTIVE, registered_on__lte="2023-06-15").order_by("pk").first()
    )
    filing = CommunityOrganization.objects.filter(filed_on__lte="2023-06-15", status="filed").order_by("pk").first()
    client = Client()
    assert client.get(f"/public/organizations/{organization.uscc}/").status_code == 200
    Organization.objects.filter(pk=organization.pk).update(public=False, not_public_reason="测试")
    CommunityOrganization.objects.filter(pk=filing.pk).update(public=False, not_public_reason="测试")
    assert client.get(f"/public/organizations/{organization.uscc}/").status_code == 404
    assert client.get(f"/api/public/v1/organizations/{organization.uscc}/").status_code == 404
    assert (
        f"/public/organizations/{organization.uscc}/"
        not in client.get(f"/public/?q={organization.uscc}").content.decode()
    )
    pages = CommunityOrganization.objects.filter(township=filing.township_id).count() // 20 + 1
    township_pages = "".join(
        client.get(f"/public/filings/{filing.township_id}/?page={page}").content.decode()
        for page in range(1, pages + 1)
    )
    assert filing.filing_number not in township_pages
    release = publish_open_data(day=datetime.date(2023, 6, 15))
    files = "".join(path.read_text(encoding="utf-8-sig") for path in release.iterdir())
    assert organization.uscc not in files and filing.filing_number not in files
