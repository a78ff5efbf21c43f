import datetime
from decimal import Decimal

import pytest

from platforms.choices import AssessmentResult, FundingSource, PlatformKind
from platforms.selectors import (
    funding_totals,
    platform_counts,
    platforms_open_on,
    standardized_township_centres,
    township_coverage,
    townships_without_platform,
)
from registry.models import Division
from tests.platforms.builders import (
    CITY,
    HAISHU,
    NANMEN,
    XIAYING,
    YINZHOU,
    ZHONGGONGMIAO,
    assess,
    fund,
    make_centre,
    make_platform,
)

pytestmark = pytest.mark.django_db
D = datetime.date
PASSED, FAILED = AssessmentResult.PASSED, AssessmentResult.FAILED


def test_platforms_open_on_a_date_by_district():
    township = make_platform(XIAYING, opened_on=D(2020, 1, 1))
    district = make_platform(YINZHOU, opened_on=D(2020, 1, 1))
    city = make_platform(CITY, opened_on=D(2020, 5, 1), kind=PlatformKind.INNOVATION_PARK)
    closed = make_platform(NANMEN, opened_on=D(2019, 1, 1), closed_on=D(2021, 1, 1))
    assert set(platforms_open_on(D(2020, 12, 31))) == {township, district, city, closed}
    assert set(platforms_open_on(D(2021, 1, 1))) == {township, district, city}
    assert set(platforms_open_on(D(2020, 4, 30))) == {township, district, closed}
    assert set(platforms_open_on(D(2020, 12, 31), YINZHOU)) == {township, district}
    assert set(platforms_open_on(D(2020, 12, 31), HAISHU)) == {closed}


def test_a_centre_counts_when_its_latest_assessment_on_or_before_the_date_passed():
    centre = make_centre(XIAYING)
    assess(centre, D(2021, 6, 1), FAILED)
    assess(centre, D(2022, 6, 1), PASSED)
    assess(centre, D(2023, 6, 1), FAILED)
    assert standardized_township_centres(D(2021, 12, 31)) == 0
    assert standardized_township_centres(D(2022, 6, 1)) == 1
    assert standardized_township_centres(D(2023, 5, 31)) == 1
    assert standardized_township_centres(D(2023, 6, 1)) == 0  # a failed newest one does not bring back the pass


def test_only_open_township_party_mass_centres_count():
    counted = make_centre(XIAYING)
    not_a_centre = make_platform(ZHONGGONGMIAO, party_service_centre=False)
    district_centre = make_centre(YINZHOU)
    closed_centre = make_centre(NANMEN, closed_on=D(2023, 1, 1))
    for platform in (counted, district_centre, closed_centre):
        assess(platform, D(2022, 6, 1))
    assert not_a_centre.assessments.count() == 0
    assert standardized_township_centres(D(2022, 12, 31)) == 2
    assert standardized_township_centres(D(2023, 6, 15)) == 1
    assert standardized_township_centres(D(2022, 12, 31), district=HAISHU) == 1
    assert standardized_township_centres(D(2023, 6, 15), district=YINZHOU) == 1


def test_platform_counts_for_the_statistics():
    make_platform(CITY, kind=PlatformKind.INNOVATION_PARK, opened_on=D(2020, 5, 1))
    make_platform(YINZHOU, kind=PlatformKind.SUPPORT)
    assess(make_centre(XIAYING), D(2022, 1, 10))
    counts = platform_counts(D(2023, 6, 15))
    assert counts == {
        "total": 3,
        "by_kind": {"hub": 1, "support": 1, "innovation_park": 1},
        "standardized_township_centres": 1,
    }
    assert platform_counts(D(2023, 6, 15), district=HAISHU)["total"] == 0


def test_every_township_without_a_platform_is_listed_per_district():
    rows = {row.code: row for row in township_coverage(D(2023, 6, 15))}
    assert len(rows) == 10 and sum(row.townships for row in rows.values()) == 156
    make_platform(XIAYING)
    make_platform(YINZHOU)  # a district platform covers no township
    yinzhou = township_coverage(D(2023, 6, 15), YINZHOU)
    assert len(yinzhou) == 1
    assert yinzhou[0].covered == 1
    assert XIAYING not in {t.code for t in yinzhou[0].uncovered}
    assert ZHONGGONGMIAO in {t.code for t in yinzhou[0].uncovered}


def test_a_township_that_loses_its_only_platform_is_uncovered_again():
    for township in Division.objects.filter(parent_id=YINZHOU, level="township"):
        make_platform(township.code, opened_on=D(2019, 1, 1))
    assert townships_without_platform(D(2023, 6, 15), YINZHOU) == []
    only = Division.objects.get(code=XIAYING).platforms.get()
    only.closed_on = D(2023, 3, 1)
    only.save()
    assert [t.code for t in townships_without_platform(D(2023, 6, 15), YINZHOU)] == [XIAYING]
    assert townships_without_platform(D(2023, 2, 28), YINZHOU) == []


def test_funding_totals_per_year_and_source_are_exact():
    one, two = make_platform(XIAYING), make_platform(NANMEN)
    fund(one, 2022, "0.10")
    fund(two, 2022, "0.20")
    fund(one, 2022, "3000000.05", source=FundingSource.DISTRICT_BUDGET)
    fund(one, 2021, "6000000.00")
    rows = [(r.year, r.source, r.amount, r.records, r.platforms) for r in funding_totals()]
    assert rows == [
        (2022, "city_welfare_lottery", Decimal("0.30"), 2, 2),
        (2022, "district_budget", Decimal("3000000.05"), 1, 1),
        (2021, "city_welfare_lottery", Decimal("6000000.00"), 1, 1),
    ]
