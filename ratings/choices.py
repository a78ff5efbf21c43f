from django.db import models
from django.utils.translation import gettext_lazy as _

# A rating is valid for five years (民政部令第39号); an organization may be rated once it has been
# registered for two years. See docs/decisions/0020-rating-validity.md for how anniversaries count.
VALIDITY_YEARS = 5
MIN_YEARS_REGISTERED = 2
# Local evaluation rounds score out of 1,000 points (DESIGN §2); a rating records its round's scale.
DEFAULT_MAX_SCORE = 1000

# Entitlements other systems check (DESIGN §2): the lowest grade that gives each.
# 民政部令第39号 ch. 5 (评估等级管理): 3A and above have priority for purchased services, transferred government
# functions and government awards, and may apply for tax-deductible donation status (only a foundation
# or a recognised charitable organization can hold it); 4A and above have a simplified annual inspection.
PURCHASE_PRIORITY_MIN_GRADE = 3
TRANSFERRED_FUNCTION_PRIORITY_MIN_GRADE = 3
AWARD_PRIORITY_MIN_GRADE = 3
TAX_DEDUCTIBLE_MIN_GRADE = 3
SIMPLIFIED_INSPECTION_MIN_GRADE = 4


class Grade(models.IntegerChoices):
    """社会组织评估等级, stored as 1..5 and shown as 1A–5A."""

    A1 = 1, "1A"
    A2 = 2, "2A"
    A3 = 3, "3A"
    A4 = 4, "4A"
    A5 = 5, "5A"


class EvaluationStatus(models.TextChoices):
    """What a rating is on a given day; derived, never stored (see Evaluation.status_on)."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")
    REVOKED = "revoked", _("Revoked")


class RevocationGround(models.TextChoices):
    """The grounds on which a rating is revoked or lowered (民政部令第39号 art. 30)."""

    FALSE_MATERIALS = "false_materials", _("False information or materials in the evaluation")
    CERTIFICATE_MISUSE = "certificate_misuse", _("Altering, forging, renting or lending the certificate or plaque")
    BASICALLY_QUALIFIED_TWICE = (
        "basically_qualified_twice",
        _("Annual inspection basically qualified two years running"),
    )
    INSPECTION_FAILED_OR_MISSED = (
        "inspection_failed_or_missed",
        _("Last year's annual inspection failed or not attended"),
    )
    PENALTY = "penalty", _("Administrative penalty")
    OTHER = "other", _("Other violation of laws or regulations")


class HonourKind(models.TextChoices):
    NATIONAL_ADVANCED = "national_advanced", _("National advanced social organization")
    PROVINCIAL_BRAND = "provincial_brand", _("Provincial brand social organization")
    PROVINCIAL_LEADER = "provincial_leader", _("Provincial social organization leader")
    ROLE_MODEL = "role_model", _("Role model of the era")
    CITY_THREE_HUNDRED_BEST = "city_three_hundred_best", _('City "three hundred best" community organization')


class HundredBestList(models.TextChoices):
    """The three lists of the city's "三个百佳" selection: an honour of that kind is on one of them."""

    ORGANIZATION = "organization", _("Hundred best community organizations")
    LEADER = "leader", _("Hundred best leaders")
    CASE = "case", _("Hundred best work cases")


# Who confers each honour, filled in when a clerk leaves the issuing body blank.
DEFAULT_ISSUING_BODY = {
    HonourKind.NATIONAL_ADVANCED: "民政部",
    HonourKind.PROVINCIAL_BRAND: "浙江省民政厅",
    HonourKind.PROVINCIAL_LEADER: "浙江省民政厅",
    HonourKind.ROLE_MODEL: "中共中央宣传部",
    HonourKind.CITY_THREE_HUNDRED_BEST: "宁波市民政局",
}

# Honours given to a person (the organization is the one the person is with).
PERSONAL_HONOURS = frozenset({HonourKind.PROVINCIAL_LEADER, HonourKind.ROLE_MODEL})
# Honours given to a legal-person organization.
ORGANIZATION_HONOURS = frozenset({HonourKind.NATIONAL_ADVANCED, HonourKind.PROVINCIAL_BRAND})
