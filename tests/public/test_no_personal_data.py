"""No personal datum of the demo data appears in any public response (DESIGN §11), and a record marked
not public appears in none.

One walk over the scale-1 demo data (as `make run` loads it), shared by the tests of this module:

- a crawl from `/public/` and `/open-data/` that follows every same-site link of every page (HTML
  parsed; the `next` links of the API's JSON pages too) within the public faces, so a page someone
  adds and links is walked without changing this test;
- the pages the crawl cannot reach by links alone, for the records of the database itself: every
  township's filings to its last page, both credit lists to their last page, every certificate (every
  rating, withheld ones included), the public OpenAPI schema, the search for every demo organization
  (its first, second and last pages, in HTML and through the API), and the organization page and its
  API answer of every organization with anything the lists and open data do not carry
  (`detailed_organizations`), the withheld one included;
- every file of the open-data release `publish_open_data` writes for today, through `/open-data/`.

Every public organization's facts are in the walk whatever `detailed_organizations` leaves out: its
whole public row of open data (legal representative and business scope included) if it counts today,
and its page otherwise. The walk takes the organization page and API answer of every organization
(about three minutes of CPU); `REGISTRY_PRIVACY_WALK=sample` takes only `detailed_organizations` and
every 97th, for the edit loop (docs/decisions/0400-privacy-walk.md).

The forbidden values are read from the database: every phone (organizations, filings' contacts,
people), every identity card number (whole, without its check digit, and masked), the names of contact
persons, of people other than legal representatives, of party-building instructors and of honoured
persons, and organizations' addresses. A name that is also a legal representative's or a party
secretary's is public (§9) and left out. Besides the values, anything shaped like a mobile number, an
identity card number, a masked number or an e-mail address is a finding.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from public.opendata import publish_open_data
from ratings.models import Evaluation, Honour
from registry.choices import DivisionLevel, OrgStatus, PersonRole
from registry.models import CommunityOrganization, CreditListEntry, Division, Organization, OrganizationPerson
from registry.models.party import PartyOrganization
from reports.selectors import filings_counting_on, organizations_counting_on

PUBLIC_PREFIXES = ("/public/", "/api/public/v1/", "/open-data/")
# Far above what the scale-1 demo needs (about 27,000 answers; 6,500 with REGISTRY_PRIVACY_WALK=sample):
# reaching it means a page links to an unbounded family of pages, and the test says so.
MAX_PAGES = 60_000
SEARCH_TERM = "演示"  # in every demo organization's name
SEARCHES = ("/public/?", "/api/public/v1/organizations/?")
DETAIL_SPREAD = 97  # besides those: every 97th organization, so ordinary pages are walked too
pytestmark = [pytest.mark.django_db, pytest.mark.slow]
FULL_WALK = os.environ.get("REGISTRY_PRIVACY_WALK", "full") != "sample"

MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
MASKED = re.compile(r"\d{2,}[*＊]{3,}[\dXx]{2,}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Names are found whole: 【演示】曹静 is not in 【演示】曹静娜 (a legal representative, public); a run that
# is not a public name of its own is also looked at for a forbidden name at its start (a name glued to
# other text). Numbers are found as runs of digits, spaces and hyphens, so 138-0000-1234 is 13800001234.
DEMO_NAME = re.compile(r"【演示】[\u4e00-\u9fff]+")
NUMBER_RUN = re.compile(r"\d[\d \-]{5,}[\dXx]")
LENGTHS = (11, 17, 18)  # a mobile number; an identity card number without and with its check digit


@dataclass
class Forbidden:
    names: set[str]
    numbers: set[str]
    texts: set[str]  # addresses: looked for as they are
    public_names: set[str]  # what a name run may be whole without a finding

    def findings(self, text: str) -> list[str]:
        found = MOBILE.findall(text) + ID_NUMBER.findall(text) + MASKED.findall(text) + EMAIL.findall(text)
        for run in DEMO_NAME.findall(text):
            if run in self.names:
                found.append(run)
            elif run not in self.public_names:
                found += [run[:end] for end in range(6, min(len(run), 9) + 1) if run[:end] in self.names]
        for run in NUMBER_RUN.findall(text):
            digits = re.sub(r"[ \-]", "", run).upper()
            found += [
                digits[start : start + size]
                for size in LENGTHS
                for start in range(len(digits) - size + 1)
                if digits[start : start + size] in self.numbers
            ]
        found += [value for value in self.texts if value in text]
        return found


def forbidden_values() -> Forbidden:
    representatives = set(Organization.objects.values_list("legal_representative", flat=True))
    representatives |= set(
        OrganizationPerson.objects.filter(role=PersonRole.LEGAL_REPRESENTATIVE).values_list("name", flat=True)
    )
    secretaries = set(PartyOrganization.objects.values_list("secretary", flat=True))
    names = set(CommunityOrganization.objects.values_list("contact_person", flat=True))
    names |= set(
        OrganizationPerson.objects.exclude(role=PersonRole.LEGAL_REPRESENTATIVE).values_list("name", flat=True)
    )
    names |= set(PartyOrganization.objects.values_list("instructor", flat=True))
    names |= set(Honour.objects.values_list("person_name", flat=True))
    public_names = representatives | secretaries
    names = {name for name in names - public_names if name}
    phones = set(Organization.objects.values_list("phone", flat=True))
    phones |= set(CommunityOrganization.objects.values_list("contact_phone", flat=True))
    phones |= set(OrganizationPerson.objects.values_list("phone", flat=True))
    id_numbers = {number.upper() for number in OrganizationPerson.objects.values_list("id_number", flat=True) if number}
    numbers = {phone for phone in phones if phone} | id_numbers | {number[:17] for number in id_numbers}
    texts = {address for address in Organization.objects.values_list("address", flat=True) if address}
    public_names |= set(Organization.objects.values_list("name", flat=True))
    public_names |= set(CommunityOrganization.objects.values_list("name", flat=True))
    public_names |= set(Division.objects.values_list("name", flat=True))
    return Forbidden(names=names, numbers=numbers, texts=texts, public_names=public_names)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"a", "link"}:
            self.found += [value for name, value in attrs if name == "href" and value]


def links_of(url: str, content_type: str, text: str) -> list[str]:
    if content_type.startswith("text/html"):
        parser = Links()
        parser.feed(text)
        hrefs = parser.found
    elif content_type.split(";")[0] == "application/json" and text.startswith("{"):
        hrefs = [value for key in ("next", "previous") if isinstance(value := json.loads(text).get(key), str)]
    else:
        return []
    return [urldefrag(urljoin(url, href))[0] for href in hrefs]


def same_site_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"", "http", "https"} or parts.netloc not in {"", "testserver"}:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Walk:
    """What the walk saw: every URL asked with its status, and what was found in each answer."""

    statuses: dict[str, int] = field(default_factory=dict)
    personal: dict[str, list[str]] = field(default_factory=dict)
    withheld: dict[str, list[str]] = field(default_factory=dict)
    not_followed: set[str] = field(default_factory=set)
    linked_from: dict[str, str] = field(default_factory=dict)
    release_files: list[str] = field(default_factory=list)
    withheld_urls: list[str] = field(default_factory=list)
    detailed: int = 0
    search_pages: int = 0


def withheld_records(today: datetime.date) -> tuple[Organization, CommunityOrganization]:
    """A demo organization and a filing that show on as many faces as any: the organization counts today,
    holds a rating in force and, if one is, stands on a credit list; the filing counts today."""
    counting = organizations_counting_on(today).filter(public=True)
    rated = counting.filter(pk__in=Evaluation.objects.valid_on(today).values("organization"))
    listed = rated.filter(pk__in=CreditListEntry.objects.filter(removed_on__isnull=True).values("organization"))
    organization = listed.order_by("pk").first() or rated.order_by("pk").first() or counting.order_by("pk").first()
    filing = filings_counting_on(today).filter(public=True).order_by("pk").first()
    return organization, filing


def detailed_organizations(today: datetime.date, withheld: Organization) -> set[int]:
    """Organizations whose page carries a text the lists and open data do not: a credit-list entry (its
    ground), an honour (its title), an end, or no row in today's open data. A rating adds a grade, dates
    and the certificate's link, and every certificate page is walked."""
    ids = sorted(Organization.objects.values_list("pk", flat=True))
    if FULL_WALK:
        return set(ids)
    chosen = set(CreditListEntry.objects.values_list("organization_id", flat=True))
    chosen |= set(Honour.objects.exclude(organization=None).values_list("organization_id", flat=True))
    chosen |= set(Organization.objects.exclude(status=OrgStatus.ACTIVE).values_list("pk", flat=True))
    chosen |= set(
        Organization.objects.exclude(pk__in=organizations_counting_on(today).values("pk")).values_list("pk", flat=True)
    )
    return chosen | set(ids[::DETAIL_SPREAD]) | {withheld.pk}


def starting_urls(today: datetime.date, detailed: set[int]) -> list[str]:
    urls = ["/public/", "/open-data/", "/api/public/v1/schema/", "/public/filings/"]
    # The search for 演示 (every demo organization) at its first, second and last pages: every page has
    # the same fields of other organizations, and each costs a second on PostgreSQL (bench/README.md).
    last = -(-Organization.objects.filter(public=True, name__contains=SEARCH_TERM).count() // 20)
    urls += [f"/public/?q={SEARCH_TERM}&page={page}" for page in (1, 2, last)]
    last = -(-last * 20 // 100)
    urls += [f"/api/public/v1/organizations/?q={SEARCH_TERM}&page_size=100&page={page}" for page in (1, 2, last)]
    urls += [f"/public/credit-lists/?list={kind}" for kind in ("abnormal", "serious")]
    townships = Division.objects.filter(level=DivisionLevel.TOWNSHIP).values_list("code", flat=True)
    urls += [f"/public/filings/{code}/" for code in townships]
    urls += [f"/public/certificates/{pk}/" for pk in Evaluation.objects.order_by("pk").values_list("pk", flat=True)]
    for code in Organization.objects.filter(pk__in=detailed).order_by("pk").values_list("uscc", flat=True):
        urls += [f"/public/organizations/{code}/", f"/api/public/v1/organizations/{code}/"]
    return urls


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def walk_public_faces(
    *, forbidden: Forbidden, withheld_marks: list[re.Pattern], start: list[str], detailed_codes: set[str]
):
    walk = Walk()
    client = Client()
    queue = deque(start)
    queued = set(start)
    while queue:
        url = queue.popleft()
        assert len(walk.statuses) < MAX_PAGES, f"the walk reached {MAX_PAGES} pages at {url}"
        response = client.get(url)
        walk.statuses[url] = response.status_code
        if response.status_code != 200:
            continue
        text = body_of(response)
        if found := forbidden.findings(text):
            walk.personal[url] = found
        if marks := [mark.pattern for mark in withheld_marks if mark.search(text)]:
            walk.withheld[url] = marks
        for link in links_of(url, response.get("Content-Type", ""), text):
            path = same_site_path(link)
            if path is None or not path.startswith(PUBLIC_PREFIXES):
                walk.not_followed.add(link)
                continue
            if path.startswith("/public/organizations/") and path.split("/")[3] not in detailed_codes:
                continue  # its facts are on the search and list pages and in open data (detailed_organizations)
            if path.startswith(SEARCHES) and "q=" in path:
                continue  # the search's other pages (starting_urls)
            if path not in queued:
                queued.add(path)
                queue.append(path)
                walk.linked_from[path] = url
    return walk


@pytest.fixture(scope="module")
def walk(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("open-data")
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PUBLIC_API_THROTTLE_RATE="1000000/minute", OPEN_DATA_ROOT=root),
    ):
        call_command("seed_demo", scale=1, verbosity=0)
        today = timezone.localdate()
        organization, filing = withheld_records(today)
        Organization.objects.filter(pk=organization.pk).update(public=False, not_public_reason="测试：不公示")
        CommunityOrganization.objects.filter(pk=filing.pk).update(public=False, not_public_reason="测试：不公示")
        release = publish_open_data(day=today)
        detailed = detailed_organizations(today, organization)
        detailed_codes = set(Organization.objects.filter(pk__in=detailed).values_list("uscc", flat=True))
        marks = [re.compile(re.escape(code)) for code in (organization.uscc, filing.filing_number)]
        # A name whole: another demo organization may be named 【演示】…商会（2）.
        marks += [
            re.compile(f"{re.escape(name)}(?![\u4e00-\u9fff（(\\d])")
            for name, model in ((organization.name, Organization), (filing.name, CommunityOrganization))
            if model.objects.filter(name=name).count() == 1
        ]
        result = walk_public_faces(
            forbidden=forbidden_values(),
            withheld_marks=marks,
            start=starting_urls(today, detailed),
            detailed_codes=detailed_codes,
        )
        result.release_files = [f"/open-data/{release.name}/{path.name}" for path in sorted(release.iterdir())]
        certificates = Evaluation.objects.filter(organization=organization).values_list("pk", flat=True)
        result.withheld_urls = [
            f"/public/organizations/{organization.uscc}/",
            f"/api/public/v1/organizations/{organization.uscc}/",
            *[f"/public/certificates/{pk}/" for pk in certificates],
        ]
        result.detailed = len(detailed)
        result.search_pages = -(-Organization.objects.filter(public=True, name__contains=SEARCH_TERM).count() // 20)
        yield result
        transaction.set_rollback(True)
    ContentType.objects.clear_cache()


def test_the_walk_reaches_every_public_face_of_the_demo_data(walk):
    assert not [url for url, status in walk.statuses.items() if status not in {200, 404}]
    broken = {
        url: walk.linked_from[url] for url, status in walk.statuses.items() if status == 404 and url in walk.linked_from
    }
    assert not broken, f"links to nothing (link: page): {list(broken.items())[:5]}"
    assert set(walk.release_files) <= set(walk.statuses), "a release file is not linked from /open-data/"
    assert all(walk.statuses[url] == 200 for url in walk.release_files)
    asked = walk.statuses
    searched = {
        (urlsplit(url).path, parse_qs(urlsplit(url).query).get("page", [""])[0]) for url in asked if "q=" in url
    }
    assert ("/public/", str(walk.search_pages)) in searched  # the search's last page
    assert ("/api/public/v1/organizations/", str(-(-walk.search_pages * 20 // 100))) in searched
    assert sum(url.startswith("/public/organizations/") for url in asked) >= walk.detailed - 1
    assert any(url.startswith("/public/filings/") and "page=" in url for url in asked)
    assert len(asked) > 4000


def test_no_personal_datum_of_the_demo_data_is_in_any_public_answer(walk):
    leaks = {url: found[:5] for url, found in walk.personal.items()}
    assert not leaks, f"{len(leaks)} public answers hold personal data, e.g. {list(leaks.items())[:5]}"


def test_an_organization_and_a_filing_marked_not_public_are_absent_from_the_whole_walk(walk):
    assert not walk.withheld, f"withheld records shown at {list(walk.withheld.items())[:5]}"
    assert all(walk.statuses.get(url) == 404 for url in walk.withheld_urls), {
        url: walk.statuses.get(url) for url in walk.withheld_urls
    }
