from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
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
from registry.validators import check_uscc_form, normalise_uscc


class Organization(HistoryModel):
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
    field = models.CharField(
        pgettext_lazy("area of activity", "field"), max_length=20, choices=Field.choices, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone of the legal representative"), max_length=30, blank=True)
    is_hub = models.BooleanField(_("hub organization"), default=False)
    is_support = models.BooleanField(_("support organization"), default=False)
    is_community_foundation = models.BooleanField(_("community development foundation"), default=False)
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
