from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.choices import DivisionLevel


class PlatformKind(models.TextChoices):
    HUB = "hub", _("Hub platform")
    SUPPORT = "support", _("Support platform")
    INNOVATION_PARK = "innovation_park", _("Innovation park")


class PlatformLevel(models.TextChoices):
    """The three levels of the network (市、区县、镇乡街道); values are those of the division levels."""

    CITY = DivisionLevel.CITY.value, _("City level")
    DISTRICT = DivisionLevel.DISTRICT.value, _("District level")
    TOWNSHIP = DivisionLevel.TOWNSHIP.value, _("Township level")


class Standard(models.TextChoices):
    """Standards a platform is assessed against (see docs/decisions/0030-standards-as-choices.md)."""

    PARTY_MASS_CENTRE = (
        "party_mass_centre_3level",
        _("Three-level standard for party-mass service centres of social organizations"),
    )


# The standard that makes a platform `standardized` and that the statistics count (标准化建设).
STANDARDISATION_STANDARD = Standard.PARTY_MASS_CENTRE


class AssessmentResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class PlatformGrade(models.IntegerChoices):
    """Grades of the platform rating mechanism (评级机制), one to five stars
    (see docs/decisions/0031-platform-rating-stars.md)."""

    ONE = 1, _("One star")
    TWO = 2, _("Two stars")
    THREE = 3, _("Three stars")
    FOUR = 4, _("Four stars")
    FIVE = 5, _("Five stars")


class FundingSource(models.TextChoices):
    CITY_WELFARE_LOTTERY = "city_welfare_lottery", _("City welfare-lottery funds")
    DISTRICT_BUDGET = "district_budget", _("District budget")
    OTHER = "other", _("Other")


# Years accepted for assessments, ratings and funding: a typo such as 20223 is refused.
FIRST_YEAR = 2000
LAST_YEAR = 2100
