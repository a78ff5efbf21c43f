"""Builders of platforms and their records, saved as the system would (no actor), valid by default."""

import datetime
import itertools
from decimal import Decimal

from platforms import services
from platforms.choices import AssessmentResult, FundingSource, PlatformKind, PlatformLevel
from platforms.models import (
    FilingSupport,
    Incubation,
    Platform,
    PlatformFunding,
    PlatformRating,
    StandardisationAssessment,
)
from registry.models import CommunityOrganization, Division

_serial = itertools.count(1)

# Real divisions of the fixtures used throughout the platform tests.
YINZHOU = "330212"
HAISHU = "330203"
CITY = "330200"
XIAYING = "330212001"  # 下应街道, 鄞州区
ZHONGGONGMIAO = "330212002"  # 钟公庙街道, 鄞州区
MEIXU = "330212004"  # 梅墟街道, 鄞州区
NANMEN = "330203001"  # 南门街道, 海曙区
JIANGXIA = "330203002"  # 江厦街道, 海曙区


def level_of(code: str) -> str:
    if code == CITY:
        return PlatformLevel.CITY
    return PlatformLevel.DISTRICT if len(code) == 6 else PlatformLevel.TOWNSHIP


def make_platform(division: str = XIAYING, *, serves: tuple[str, ...] | None = None, **fields) -> Platform:
    """A platform on `division`; `serves` names the other townships it serves (through the service)."""
    defaults = {
        "name": f"测试社会组织服务中心{next(_serial)}",
        "kind": PlatformKind.HUB,
        "level": level_of(division),
        "opened_on": datetime.date(2019, 1, 1),
    }
    defaults.update(fields)
    platform = Platform(division_id=division, **defaults)
    townships = None if serves is None else list(Division.objects.filter(code__in=serves))
    return services.platform_save(platform=platform, served_townships=townships)


def make_centre(division: str = XIAYING, **fields) -> Platform:
    """A party-mass service centre (党群服务中心)."""
    return make_platform(division, party_service_centre=True, **fields)


def assess(platform: Platform, on: datetime.date, result: str = AssessmentResult.PASSED, **fields):
    fields.setdefault("year", on.year)
    assessment = StandardisationAssessment(platform=platform, assessed_on=on, result=result, **fields)
    assessment.full_clean()
    assessment.save()
    return assessment


def rate(platform: Platform, year: int, grade: int, **fields) -> PlatformRating:
    rating = PlatformRating(platform=platform, year=year, grade=grade, **fields)
    rating.full_clean()
    rating.save()
    return rating


def fund(platform: Platform, year: int, amount: str, source: str = FundingSource.CITY_WELFARE_LOTTERY):
    funding = PlatformFunding(platform=platform, year=year, source=source, amount=Decimal(amount))
    funding.full_clean()
    funding.save()
    return funding


def incubate(platform: Platform, organization, since: datetime.date, until: datetime.date | None = None):
    """An incubation of an organization or, given a filing, of a community organization filing."""
    target = (
        {"filing": organization} if isinstance(organization, CommunityOrganization) else {"organization": organization}
    )
    incubation = Incubation(platform=platform, incubated_from=since, incubated_until=until, **target)
    incubation.full_clean()
    incubation.save()
    return incubation


def support(filing, platform: Platform) -> FilingSupport:
    """Set a filing's supporting platform (instead of its township's default)."""
    record = FilingSupport(filing=filing, platform=platform)
    record.full_clean()
    record.save()
    return record
