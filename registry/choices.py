from django.db import models
from django.utils.translation import gettext_lazy as _

CITY_CODE = "330200"


class DivisionLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District or county")
    TOWNSHIP = "township", _("Township or street")
    COMMUNITY = "community", _("Community")


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
