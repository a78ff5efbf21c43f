from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CITY_CODE = "330200"


class DivisionLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District or county")
    TOWNSHIP = "township", _("Township or street")
    COMMUNITY = "community", _("Community")


class DivisionKind(models.TextChoices):
    """What a unit below a district is, by digits 7–9 of its statistical code (统计用区划代码编制规则):
    001–099 street (街道), 100–199 town (镇), 200–399 township (乡), 400–599 functional zone (功能区,
    政企合一单位). Zones are not townships: the reply's township figures count the other three."""

    STREET = "street", _("Street")
    TOWN = "town", _("Town")
    TOWNSHIP = "township", _("Township")
    ZONE = "zone", _("Functional zone")


# The kinds that count as townships and streets (乡镇、街道) in the reply's figures (DESIGN §2).
COUNTED_TOWNSHIP_KINDS = (DivisionKind.STREET, DivisionKind.TOWN, DivisionKind.TOWNSHIP)
# Digits 7–9 of a 9-digit code: the ranges of each kind, inclusive.
DIVISION_KIND_SERIALS = {
    DivisionKind.STREET: (1, 99),
    DivisionKind.TOWN: (100, 199),
    DivisionKind.TOWNSHIP: (200, 399),
    DivisionKind.ZONE: (400, 599),
}


class OrgType(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("Social group")
    SOCIAL_SERVICE = "social_service", _("Social service institution")
    FOUNDATION = "foundation", _("Foundation")


# Position 2 of a credit code issued by civil affairs (GB 32100-2015) for each type.
CREDIT_CODE_CATEGORY = {
    OrgType.SOCIAL_GROUP: "1",
    OrgType.SOCIAL_SERVICE: "2",
    OrgType.FOUNDATION: "3",
}


class RegistrationLevel(models.TextChoices):
    CITY = "city", _("City level")
    DISTRICT = "district", _("District level")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DEREGISTERED = "deregistered", _("Deregistered")
    REVOKED = "revoked", _("Registration revoked")


class Field(models.TextChoices):
    """Fields of activity the reply prioritises (section 3)."""

    ELDERLY_CHILDREN = "elderly_children", _("The elderly and the young")
    CHARITY = "charity", _("Public welfare and charity")
    CULTURE_SPORTS = "culture_sports", _("Culture and sports")
    AGRICULTURE = "agriculture", _("Agricultural technology")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs and livelihood services")
    OTHER = "other", _("Other")


class UrbanRuralClass(models.TextChoices):
    """The statistics bureau's urban–rural class of a community (统计用城乡分类代码), kept as information."""

    MAIN_URBAN = "111", _("111 Main urban area")
    URBAN_FRINGE = "112", _("112 Urban–rural fringe")
    TOWN_CENTRE = "121", _("121 Town centre")
    TOWN_FRINGE = "122", _("122 Town–village fringe")
    SPECIAL_AREA = "123", _("123 Special area")
    TOWNSHIP_CENTRE = "210", _("210 Township centre")
    VILLAGE = "220", _("220 Village")


class FilingCategory(models.TextChoices):
    """The four kinds of community organization the reply names (社区自治类、平安类、服务类、文体类)."""

    SELF_GOVERNANCE = "self_governance", _("Community self-governance")
    PUBLIC_SAFETY = "public_safety", _("Community public safety")
    SERVICE = "service", _("Community service")
    CULTURE_SPORTS = "culture_sports", _("Community culture and sports")
    OTHER = "other", _("Other")


class FilingStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    CANCELLED = "cancelled", _("Filing cancelled")


class ReportResult(models.TextChoices):
    """Results of the review of an annual work report (年度工作报告): 合格 / 基本合格 / 不合格."""

    # With a context: other apps' "Passed"/"Failed" (assessments) translate differently.
    PASSED = "passed", pgettext_lazy("annual report", "Passed")
    BASICALLY_PASSED = "basically_passed", pgettext_lazy("annual report", "Basically passed")
    FAILED = "failed", pgettext_lazy("annual report", "Failed")


class CreditList(models.TextChoices):
    """The two credit lists of social organizations (社会组织信用信息管理办法)."""

    ABNORMAL = "abnormal", _("Abnormal-activity list")
    SERIOUS = "serious", _("Serious-violation list")


class CreditGround(models.TextChoices):
    """The grounds of a listing (民政部令第60号): art. 10 for the abnormal-activity list, art. 14 for the
    serious-violation list. `other_law` exists on both."""

    # Art. 10 (活动异常名录)
    REPORT_OVERDUE = "report_overdue", _("Annual work report not filed by the deadline")
    NO_PARTY_ORG = "no_party_org", _("No party organization set up where required")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("Rectification order not complied with in time")
    FUNDRAISING_VIOLATION = "fundraising_violation", _("Public fundraising violation")
    WARNING_OR_SMALL_FINE = "warning_or_small_fine", _("Warning or fine under 50,000 yuan")
    UNREACHABLE = "unreachable", _("Unreachable at the registered address")
    # Art. 14 (严重违法失信名单)
    ABNORMAL_TWO_YEARS = "abnormal_two_years", _("On the abnormal-activity list for 2 years")
    FRAUDULENT_CHANGE = "fraudulent_change", _("Change registration obtained by fraud and revoked")
    SUSPENSION_PENALTY = "suspension_penalty", _("Penalty of suspension of activities")
    LARGE_FINE = "large_fine", _("Fine of 50,000 yuan or more")
    TWO_PENALTIES_THREE_YEARS = "two_penalties_three_years", _("Two or more warnings or small fines in 3 years")
    DISHONEST_JUDGMENT_DEBTOR = "dishonest_judgment_debtor", _("Listed as a dishonest judgment debtor")
    REVOKED_OR_CANCELLED = "revoked_or_cancelled", _("Certificate revoked or founding registration cancelled")
    # Both lists
    OTHER_LAW = "other_law", _("Other case laws or regulations provide for")


ABNORMAL_GROUNDS = frozenset(
    {
        CreditGround.REPORT_OVERDUE,
        CreditGround.NO_PARTY_ORG,
        CreditGround.RECTIFICATION_OVERDUE,
        CreditGround.FUNDRAISING_VIOLATION,
        CreditGround.WARNING_OR_SMALL_FINE,
        CreditGround.UNREACHABLE,
        CreditGround.OTHER_LAW,
    }
)
SERIOUS_GROUNDS = frozenset(
    {
        CreditGround.ABNORMAL_TWO_YEARS,
        CreditGround.FRAUDULENT_CHANGE,
        CreditGround.SUSPENSION_PENALTY,
        CreditGround.LARGE_FINE,
        CreditGround.TWO_PENALTIES_THREE_YEARS,
        CreditGround.DISHONEST_JUDGMENT_DEBTOR,
        CreditGround.REVOKED_OR_CANCELLED,
        CreditGround.OTHER_LAW,
    }
)
GROUNDS_OF_LIST = {"abnormal": ABNORMAL_GROUNDS, "serious": SERIOUS_GROUNDS}


class CreditEntrySource(models.TextChoices):
    MANUAL = "manual", _("Recorded by hand")
    SUPERVISION = "supervision", _("Confirmed supervision proposal")


class PartyOrgKind(models.TextChoices):
    STANDALONE = "standalone", _("Standalone")
    JOINT = "joint", _("Joint")


class PenaltyKind(models.TextChoices):
    """Kinds of administrative penalty (行政处罚) on a social organization (行政处罚法 art. 9 and the
    registration regulations)."""

    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    CONFISCATION = "confiscation", _("Confiscation of unlawful gains or property")
    SUSPENSION = "suspension", _("Suspension of activities")
    REVOCATION = "revocation", _("Revocation of the registration certificate")
    OTHER = "other", _("Other penalty")


class PersonRole(models.TextChoices):
    """The responsible people of an organization (DESIGN §9)."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    CHAIR = "chair", _("Chair")
    SECRETARY_GENERAL = "secretary_general", _("Secretary general")
    RESPONSIBLE_PERSON = "responsible_person", _("Responsible person")


class RegistrationEventKind(models.TextChoices):
    """What happened to an organization's registration (登记事项, DESIGN §9)."""

    ESTABLISHED = "established", _("Established (成立登记)")
    CHANGED = "changed", _("Changed (变更登记)")
    DEREGISTERED = "deregistered", _("Deregistered (注销登记)")
    REVOKED = "revoked", _("Registration revoked (撤销登记)")
    REINSTATED = "reinstated", _("Reinstated")
    CHARTER_APPROVED = "charter_approved", _("Charter change approved (章程核准)")
