from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import HistoryModel
from core.validators import not_in_future
from registry.choices import DivisionLevel, PartyOrgKind, RegistrationLevel
from registry.models.divisions import Division
from registry.models.organizations import Organization


def in_force_on(day: datetime.date, prefix: str = "") -> Q:
    """Party organizations in being on `day`: established on or before it, not dissolved on or before it."""
    return Q(**{f"{prefix}established_on__lte": day}) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": day})
    )


def coverage_problems(kind: str, organizations: Iterable[Organization]) -> list[str]:
    """A standalone party organization (单独组建) covers exactly one organization, a joint one
    (联合组建) two or more."""
    count = len({organization.pk for organization in organizations})
    if kind == PartyOrgKind.STANDALONE and count != 1:
        return [
            gettext("A standalone party organization covers exactly one organization (%(n)d given).") % {"n": count}
        ]
    if kind == PartyOrgKind.JOINT and count < 2:
        return [gettext("A joint party organization covers two or more organizations (%(n)d given).") % {"n": count}]
    return []


class ComprehensivePartyCommittee(HistoryModel):
    """A comprehensive party committee of social organizations (社会组织综合党委), set up by the city or
    by a district or county (the reply: "市、县两级建立实体化运行的社会组织综合党委"). It holds party
    organizations (兜底) that no supervising unit's party body takes; its level follows from its
    division: the city (330200) or a current district. One per division.

    A district's committee belongs to that district (a district system writes its own); the city's
    belongs to the city bureau.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    division = models.OneToOneField(
        Division,
        on_delete=models.PROTECT,
        related_name="party_committee",
        verbose_name=_("set up by (city or district)"),
        limit_choices_to={"level__in": [DivisionLevel.CITY, DivisionLevel.DISTRICT], "successor__isnull": True},
    )
    level = models.CharField(
        _("level"), max_length=10, choices=RegistrationLevel.choices, editable=False, db_index=True
    )
    established_on = models.DateField(_("date established"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("comprehensive party committee")
        verbose_name_plural = _("comprehensive party committees")
        ordering = ["division_id"]

    def __str__(self) -> str:
        return self.name

    def jurisdiction_district(self) -> str | None:
        """The district that set it up; the city's committee belongs to the city bureau. Read from the
        division itself, not the derived level: jurisdiction is decided on a draft before it is derived."""
        if not self.division_id:
            return None
        return self.division_id if self.division.level == DivisionLevel.DISTRICT else None

    def derive(self) -> None:
        if self.division_id:
            city = self.division.level == DivisionLevel.CITY
            self.level = RegistrationLevel.CITY if city else RegistrationLevel.DISTRICT

    def clean(self):
        if self.division_id:
            division = self.division
            if division.level not in (DivisionLevel.CITY, DivisionLevel.DISTRICT) or division.is_historical:
                raise ValidationError(
                    {
                        "division": [
                            gettext("A comprehensive party committee is set up by the city or a current district.")
                        ]
                    }
                )
        self.derive()

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)


class PartyOrganization(HistoryModel):
    """A party organization (党组织) in social organizations: standalone in one organization or
    joint across several, possibly held by a comprehensive party committee (综合党委兜底).

    An organization has a party organization (`party_org`) while one that covers it is in being.
    The covered organizations are set through `registry.services.party_organization_save`, which
    checks the standalone/joint rule and writes the change of coverage into the history.
    """

    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("form"), max_length=12, choices=PartyOrgKind.choices)
    organizations = models.ManyToManyField(
        Organization, related_name="party_organizations", verbose_name=_("organizations covered")
    )
    member_count = models.PositiveIntegerField(_("party members"), default=0)
    committee = models.ForeignKey(
        ComprehensivePartyCommittee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organizations",
        verbose_name=_("comprehensive party committee holding it"),
        help_text=_(
            "综合党委兜底: the city's or a district's comprehensive party committee holds it. A district's "
            "committee holds party organizations of that district's organizations only."
        ),
    )
    secretary = models.CharField(
        _("secretary"), max_length=50, blank=True, help_text=_("The secretary's name (书记): a public fact.")
    )
    instructor = models.CharField(
        _("party-building instructor"),
        max_length=50,
        blank=True,
        help_text=_("The party-building instructor (党建指导员) assigned to it, by name."),
    )
    established_on = models.DateField(_("date established"))
    dissolved_on = models.DateField(_("date dissolved"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_count__gte=0),
                name="party_org_member_count_not_negative",
                violation_error_message=_("The number of party members may not be negative."),
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("established_on")),
                name="party_org_dissolved_after_established",
                violation_error_message=_("A party organization is dissolved on or after the day it was established."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def covered_organizations(self) -> list[Organization]:
        """The organizations it covers: those about to be saved, else the stored ones."""
        pending = getattr(self, "_pending_organizations", None)
        if pending is not None:
            return list(pending)
        if self.pk is None:
            return []
        return list(self.organizations.only("pk", "registered_by"))

    @property
    def comprehensive_committee(self) -> bool:
        """Held by a comprehensive party committee (综合党委兜底)."""
        return self.committee_id is not None

    def jurisdiction_district(self) -> str | None:
        """The district whose organizations it covers, when they all are one district's and the committee
        holding it (if any) is that district's too; else the city's. The committee is a link like the
        covered organizations: a district cannot attach its party organization to the city's committee."""
        districts = {organization.jurisdiction_district() for organization in self.covered_organizations()}
        if self.committee_id is not None:
            districts.add(self.committee.jurisdiction_district())
        return districts.pop() if len(districts) == 1 else None

    def is_in_being(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.established_on <= day and (self.dissolved_on is None or self.dissolved_on > day)

    def clean(self):
        errors = {}
        try:
            not_in_future(established_on=self.established_on, dissolved_on=self.dissolved_on)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.committee_id is not None and self.committee.level == RegistrationLevel.DISTRICT:
            outside = sorted(
                {
                    organization.jurisdiction_district() or gettext("the city")
                    for organization in self.covered_organizations()
                }
                - {self.committee.division_id}
            )
            if outside:
                errors["committee"] = [
                    gettext(
                        "The comprehensive party committee of %(district)s holds party organizations of its own "
                        "district's organizations only; this one covers organizations of %(others)s."
                    )
                    % {"district": self.committee.division_id, "others": "、".join(outside)}
                ]
        if errors:
            raise ValidationError(errors)


def _coverage_title(coverage) -> str:
    return str(coverage.partyorganization)


# The rows of the relation (one organization covered by one party organization) have no model of
# their own; titled by their party organization, they read well where the admin lists them (the
# coverage inline of the organization page). A relation model declared with `through=` would
# instead bar the organizations field from the party organization's admin form.
PartyCoverage = PartyOrganization.organizations.through
PartyCoverage.__str__ = _coverage_title
