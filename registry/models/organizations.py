from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.filters import normalise_text
from core.models import HistoryModel
from registry.choices import (
    CITY_CODE,
    CREDIT_CODE_CATEGORY,
    DivisionLevel,
    Field,
    OrgStatus,
    OrgType,
    RegistrationLevel,
)
from registry.models.divisions import Division
from registry.models.publicity import PublicRecord
from registry.validators import check_uscc_form, normalise_uscc


class Organization(HistoryModel, PublicRecord):
    """A legal-person social organization (法人社会组织): social group, social service institution or
    foundation, registered by the city bureau (330200) or a district's civil affairs bureau."""

    uscc = models.CharField(_("unified social credit code"), max_length=18)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    org_type = models.CharField(_("type"), max_length=20, choices=OrgType.choices, db_index=True)
    registered_by = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="registered_organizations",
        verbose_name=_("registering authority"),
        limit_choices_to={"level__in": [DivisionLevel.CITY, DivisionLevel.DISTRICT]},
    )
    registration_level = models.CharField(
        _("registration level"), max_length=10, choices=RegistrationLevel.choices, editable=False, db_index=True
    )
    domicile = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="domiciled_organizations",
        verbose_name=_("domicile district"),
        null=True,
        blank=True,
        limit_choices_to={"level": DivisionLevel.DISTRICT},
    )
    registered_on = models.DateField(_("registration date"), db_index=True)
    status = models.CharField(
        _("status"), max_length=15, choices=OrgStatus.choices, default=OrgStatus.ACTIVE, editable=False, db_index=True
    )
    status_date = models.DateField(_("status date"), null=True, blank=True, editable=False)
    status_reason = models.TextField(_("status reason"), blank=True, editable=False)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    supervising_unit = models.CharField(_("supervising unit"), max_length=200, blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    # 注册资金 of a social group, 开办资金 of a social service institution, 原始基金 of a foundation: a
    # registered fact (a change is a 变更登记, DESIGN §9), in yuan.
    registered_funds = models.DecimalField(
        _("registered funds (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # Longer than other free texts (core.validators.TEXT_MAX_LENGTH); the API's body cap is computed to
    # admit 1,000 rows with every text full (config/settings.py).
    text_limits = {"business_scope": 5000}
    field = models.CharField(
        pgettext_lazy("area of activity", "field"), max_length=20, choices=Field.choices, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone of the legal representative"), max_length=30, blank=True)
    is_hub = models.BooleanField(_("hub organization"), default=False)
    is_support = models.BooleanField(_("support organization"), default=False)
    is_community_foundation = models.BooleanField(_("community development foundation"), default=False)
    # 慈善法 art. 10 (recognition as a charitable organization) and art. 22 (public fundraising
    # qualification, which only a recognised charitable organization obtains).
    charity_recognized_on = models.DateField(
        _("recognised as a charitable organization on"),
        null=True,
        blank=True,
        help_text=_("Date of recognition as a charitable organization (慈善组织认定); empty if not recognised."),
    )
    public_fundraising_since = models.DateField(
        _("public fundraising qualification since"),
        null=True,
        blank=True,
        help_text=_("Date the public fundraising qualification (公开募捐资格) was obtained; empty if none."),
    )
    # 民政部令第39号 art. 7(四): an organization under investigation is not evaluated. Cleared when it ends.
    under_investigation_since = models.DateField(
        _("under investigation since"),
        null=True,
        blank=True,
        help_text=_("Date a government department or judicial body opened an investigation (立案调查); empty if none."),
    )
    investigation_reason = models.TextField(
        _("investigation"), blank=True, default="", db_default="", help_text=_("Who investigates and why.")
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    # A district system keeps the domicile in its own district (docs/decisions/0100-…).
    guarded_links = ("domicile",)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                name="organization_uscc_unique",
                violation_error_code="unique",  # reported on the field, not under __all__
                violation_error_message=_("An organization with this credit code is already registered."),
            ),
            models.CheckConstraint(
                condition=Q(status=OrgStatus.ACTIVE) | Q(status_date__isnull=False),
                name="organization_status_has_date",
                violation_error_message=_("A deregistered or revoked organization needs the date of that status."),
            ),
            models.CheckConstraint(
                condition=Q(is_community_foundation=False) | Q(org_type=OrgType.FOUNDATION),
                name="organization_community_foundation_is_foundation",
                violation_error_message=_("Only a foundation can be a community development foundation."),
            ),
            models.CheckConstraint(
                condition=Q(public_fundraising_since__isnull=True)
                | Q(charity_recognized_on__isnull=False, public_fundraising_since__gte=F("charity_recognized_on")),
                name="organization_public_fundraising_needs_charity",
                violation_error_message=_(
                    "Only a recognised charitable organization holds a public fundraising qualification, "
                    "from its recognition on."
                ),
            ),
            models.CheckConstraint(
                condition=Q(under_investigation_since__isnull=True, investigation_reason="")
                | (Q(under_investigation_since__isnull=False) & ~Q(investigation_reason="")),
                name="organization_investigation_has_date_and_reason",
                violation_error_message=_("An investigation needs both its date and its reason."),
            ),
            PublicRecord.not_public_has_reason("organization_not_public_has_reason"),
        ]
        indexes = [
            # With the list's order (id) last: a page filtered by level or district and type is read
            # in order from the index, and its exact count from the index alone.
            models.Index(fields=["registration_level", "org_type", "id"], name="org_level_type_idx"),
            models.Index(fields=["registered_by", "org_type", "id"], name="org_district_type_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def jurisdiction_district(self) -> str | None:
        """Organizations belong to the district that registers them; city-registered ones to none."""
        if self.registered_by_id and self.registered_by_id != CITY_CODE:
            return self.registered_by_id
        return None

    def clean_fields(self, exclude=None):
        self.uscc = normalise_uscc(self.uscc)
        self.name = normalise_text(self.name)
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.error_dict
            if "uscc" in errors:  # say which part of the code is wrong, not just "too long"
                try:
                    check_uscc_form(self.uscc)
                except ValidationError as specific:
                    errors["uscc"] = specific.error_list
            raise ValidationError(errors) from None

    def clean(self):
        errors = {}
        try:
            check_uscc_form(self.uscc)
        except ValidationError as error:
            errors["uscc"] = error.messages
        else:
            expected = CREDIT_CODE_CATEGORY.get(self.org_type)
            if expected and self.uscc[1] != expected:
                errors["uscc"] = [
                    _("Position 2 (category) is %(found)s, which contradicts the type %(type)s (expects %(expected)s).")
                    % {"found": self.uscc[1], "type": self.get_org_type_display(), "expected": expected}
                ]
            else:
                segment = self.uscc[2:8]
                if self.registered_by_id == segment:  # the usual case: no query for what is at hand
                    division = self.registered_by
                else:
                    division = Division.objects.filter(code=segment).first()
                if division is None or division.level not in {DivisionLevel.CITY, DivisionLevel.DISTRICT}:
                    errors["uscc"] = [
                        _(
                            "Positions 3–8 (division code) are %(code)s, which is not a Ningbo city or district "
                            "code, current or historical."
                        )
                        % {"code": segment}
                    ]
        if self.is_community_foundation and self.org_type != OrgType.FOUNDATION:
            errors["is_community_foundation"] = [
                _("A community development foundation is a foundation; this organization is a %(type)s.")
                % {"type": self.get_org_type_display()}
            ]
        if self.public_fundraising_since is not None and (
            self.charity_recognized_on is None or self.public_fundraising_since < self.charity_recognized_on
        ):
            errors["public_fundraising_since"] = [
                _(
                    "Only a recognised charitable organization holds a public fundraising qualification, "
                    "from its recognition on."
                )
            ]
        if (self.under_investigation_since is None) != (not self.investigation_reason.strip()):
            errors[
                "under_investigation_since" if self.under_investigation_since is None else "investigation_reason"
            ] = [_("An investigation needs both its date and its reason.")]
        errors.update(self.publicity_errors())
        if self.registered_by_id:
            authority = self.registered_by
            if authority.level not in {DivisionLevel.CITY, DivisionLevel.DISTRICT}:
                errors["registered_by"] = [_("The registering authority must be the city or a district.")]
            elif authority.is_historical:
                errors["registered_by"] = [
                    _("%(code)s is a historical code; use the current code %(current)s.")
                    % {"code": authority.code, "current": authority.current.code}
                ]
            elif self.domicile_id is None and authority.level == DivisionLevel.DISTRICT:
                self.domicile = authority  # the object, not its code: no second query for it below
        if self.domicile_id and self.domicile.level != DivisionLevel.DISTRICT:
            errors["domicile"] = [_("The domicile must be a district or county.")]
        elif self.domicile_id and self.domicile.is_historical:
            errors["domicile"] = [_("Use the current code %(current)s.") % {"current": self.domicile.current.code}]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.uscc = normalise_uscc(self.uscc)
        self.name = normalise_text(self.name)
        if self.registered_by_id:
            self.registration_level = (
                RegistrationLevel.CITY if self.registered_by_id == CITY_CODE else RegistrationLevel.DISTRICT
            )
        super().save(*args, **kwargs)
