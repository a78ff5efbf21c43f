"""Platforms and community organization filings (the reply: the platforms incubate, 以社育社, and serve
the community organizations of their townships): a filing's supporting platform (its township's by
default, another when set), incubations of filings, and filings per platform on the coverage page."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from core.choices import Role
from platforms.models import Incubation
from platforms.selectors import filings_per_platform, supporting_platforms
from platforms.services import platform_close
from tests.conftest import make_organization, make_user
from tests.platforms.builders import (
    CITY,
    HAISHU,
    MEIXU,
    NANMEN,
    XIAYING,
    ZHONGGONGMIAO,
    incubate,
    make_platform,
    support,
)
from tests.registry.builders import make_filing

pytestmark = pytest.mark.django_db
D = datetime.date
REPLY_DATE = D(2023, 6, 15)
SUPPORTS = "/api/v1/filing-supports/"
INCUBATIONS = "/api/v1/platform-incubations/"
COVERAGE = "/api/v1/platforms/coverage/"


def test_a_filing_is_supported_by_its_townships_platform_by_default_and_by_the_one_set():
    own = make_platform(XIAYING, serves=(ZHONGGONGMIAO,))
    other = make_platform(MEIXU)
    at_home, served, moved, alone = (
        make_filing(township=XIAYING),
        make_filing(township=ZHONGGONGMIAO),
        make_filing(township=XIAYING),
        make_filing(township=NANMEN),
    )
    support(moved, other)
    assert supporting_platforms([at_home, served, moved, alone], REPLY_DATE) == {
        at_home.pk: own.pk,
        served.pk: own.pk,  # a cluster platform serves the filings of the townships it serves
        moved.pk: other.pk,
        alone.pk: None,  # no platform in 南门街道
    }
    platform_close(platform=other, on=D(2023, 1, 1), reason="停止运营", actor=None)
    assert supporting_platforms([moved], REPLY_DATE) == {moved.pk: own.pk}  # the set one closed: the default


def test_filings_per_platform_count_filings_in_being_by_their_supporting_platform():
    own = make_platform(XIAYING)
    other = make_platform(MEIXU)
    for _ in range(3):
        make_filing(township=XIAYING)
    support(make_filing(township=XIAYING), other)
    make_filing(township=NANMEN)
    make_filing(township=XIAYING, filed_on=D(2024, 1, 1))  # filed after the date
    rows, unsupported = filings_per_platform(REPLY_DATE)
    assert [(row.platform.pk, row.filings, row.assigned) for row in rows] == [(own.pk, 3, 0), (other.pk, 1, 1)]
    assert unsupported == 1
    rows, unsupported = filings_per_platform(REPLY_DATE, HAISHU)
    assert (rows, unsupported) == ([], 1)


def test_the_coverage_api_and_page_show_filings_per_platform(clerk_api, client):
    own = make_platform(XIAYING)
    make_filing(township=XIAYING)
    make_filing(township=NANMEN)
    body = clerk_api.get(COVERAGE, {"as_of": "2023-06-15"}).json()
    assert body["filings_by_platform"] == [
        {"platform": own.pk, "name": own.name, "level": "township", "division": XIAYING, "filings": 1, "assigned": 0}
    ]
    assert body["filings_without_platform"] == 1
    client.force_login(make_user(Role.CLERK))
    page = client.get("/admin/platforms/townshipcoverage/", {"as_of": "2023-06-15"})
    assert page.status_code == 200 and own.name in page.content.decode()
    assert [row.filings for row in page.context["filings_by_platform"]] == [1]


def test_a_clerk_sets_another_platform_of_the_district_but_never_one_of_another_district(clerk_api):
    filing = make_filing(township=XIAYING)
    make_platform(XIAYING)
    neighbour, elsewhere, park = make_platform(MEIXU), make_platform(NANMEN), make_platform(CITY)
    refused = clerk_api.post(SUPPORTS, {"filing": filing.pk, "platform": elsewhere.pk}, format="json")
    assert refused.status_code == 400 and "platform" in refused.json()
    created = clerk_api.post(SUPPORTS, {"filing": filing.pk, "platform": neighbour.pk}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["platform_name"] == neighbour.name
    moved = clerk_api.patch(f"{SUPPORTS}{created.json()['id']}/", {"platform": park.pk}, format="json")
    assert moved.status_code == 200  # a city-level platform (the innovation park) may support any filing
    assert clerk_api.get(SUPPORTS, {"platform": park.pk}).json()["count"] == 1


def test_a_district_sets_platforms_of_its_own_district_only(yinzhou_api):
    filing = make_filing(township=XIAYING)
    ours, park = make_platform(MEIXU), make_platform(CITY)
    assert yinzhou_api.post(SUPPORTS, {"filing": filing.pk, "platform": park.pk}, format="json").status_code == 403
    created = yinzhou_api.post(SUPPORTS, {"filing": filing.pk, "platform": ours.pk}, format="json")
    assert created.status_code == 201, created.json()
    haishu_filing = make_filing(township=NANMEN)
    theirs = make_platform(NANMEN)
    assert (
        yinzhou_api.post(SUPPORTS, {"filing": haishu_filing.pk, "platform": theirs.pk}, format="json").status_code
        == 403
    )


def test_an_incubation_names_an_organization_or_a_filing(clerk_api):
    platform = make_platform(XIAYING)
    filing = make_filing(township=XIAYING)
    created = clerk_api.post(
        INCUBATIONS, {"platform": platform.pk, "filing": filing.pk, "incubated_from": "2022-03-01"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["filing_name"], created.json()["organization"]) == (filing.name, None)
    both = clerk_api.post(
        INCUBATIONS,
        {
            "platform": platform.pk,
            "filing": filing.pk,
            "organization": make_organization().pk,
            "incubated_from": "2022-04-01",
        },
        format="json",
    )
    assert both.status_code == 400
    neither = clerk_api.post(INCUBATIONS, {"platform": platform.pk, "incubated_from": "2022-04-01"}, format="json")
    assert neither.status_code == 400
    assert clerk_api.get(INCUBATIONS, {"of": "filing"}).json()["count"] == 1
    assert clerk_api.get(INCUBATIONS, {"filing": filing.pk}).json()["count"] == 1


def test_the_database_refuses_an_incubation_of_both_or_neither():
    platform = make_platform(XIAYING)
    incubation = incubate(platform, make_filing(township=XIAYING), D(2022, 1, 1))
    with transaction.atomic(), pytest.raises(IntegrityError):
        Incubation.objects.filter(pk=incubation.pk).update(organization=make_organization())
    with transaction.atomic(), pytest.raises(IntegrityError):
        Incubation.objects.filter(pk=incubation.pk).update(filing=None)


def test_a_platform_incubates_filings_of_its_own_district_only(clerk_api, yinzhou_api):
    haishu_filing = make_filing(township=NANMEN)
    response = clerk_api.post(
        INCUBATIONS,
        {"platform": make_platform(XIAYING).pk, "filing": haishu_filing.pk, "incubated_from": "2022-03-01"},
        format="json",
    )
    assert response.status_code == 400 and "filing" in response.json()
    park = make_platform(CITY)
    ours = make_filing(township=XIAYING)
    payload = {"platform": park.pk, "filing": ours.pk, "incubated_from": "2022-03-01"}
    assert yinzhou_api.post(INCUBATIONS, payload, format="json").status_code == 403  # the city's platform
    assert clerk_api.post(INCUBATIONS, payload, format="json").status_code == 201
