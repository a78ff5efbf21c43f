from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as NumberError

from core.filters import normalise_text
from core.models import HistoryModel
from core.personal_data import PersonalDataField, blind_index, mask_id_number
from core.validators import not_in_future
from registry.choices import PersonRole
from registry.models.organizations import Organization


def normalise_id_number(value: str) -> str:
    """NFKC, spaces removed, a final x written X: the form the number is stored, checked and indexed in."""
    return normalise_text(value or "").replace(" ", "").upper()


def id_number_error(value: str) -> str | None:
    """Why `value` is not a resident identity card number (居民身份证号码, GB 11643), or None when it is:
    python-stdnum's `cn.ric` checks the length, the birth date and the check character."""
    if len(value) == 18 and value[:17].isdigit():
        try:
            ric.get_birth_date(value)
        except InvalidComponent:
            return gettext("The birth date in this identity card number (characters 7–14) is not a real date.")
    try:
        ric.validate(value)
    except InvalidLength:
        return gettext("An identity card number has 18 characters.")
    except InvalidFormat:
        return gettext("An identity card number is 17 digits and a check character (a digit or X).")
    except InvalidChecksum:
        return gettext("The check character (the last one) of this identity card number is wrong.")
    except InvalidComponent:
        return gettext(
            "Characters 1–6 of this identity card number are not a division that issued numbers in the year of birth."
        )
    except NumberError:
        return gettext("This is not an identity card number.")
    birth = ric.get_birth_date(value)
    if birth > timezone.localdate():
        return gettext("The birth date in this identity card number lies in the future.")
    return None


class OrganizationPerson(HistoryModel):
    """A responsible person of an organization (法定代表人、理事长、秘书长、负责人) for a period.

    The ID number is encrypted at rest and indexed by a keyed HMAC (core.personal_data); it is shown
    whole only to clerks and the record's district. The organization's `legal_representative` is the
    name of its current legal representative, kept from these rows (registry.services).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="people", verbose_name=_("organization")
    )
    role = models.CharField(_("role"), max_length=30, choices=PersonRole.choices, db_index=True)
    name = models.CharField(_("name"), max_length=50)
    id_number = PersonalDataField(_("identity card number"), max_length=18, null=True, blank=True)
    id_number_index = models.CharField(
        _("identity card number index"), max_length=64, blank=True, editable=False, db_index=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    # The ID number stays out of the history in plain text (masked there: history_snapshot), its index too.
    history_exclude_fields = ("created", "last_updated", "id_number_index")

    class Meta:
        verbose_name = _("responsible person")
        verbose_name_plural = _("responsible people")
        ordering = ["organization_id", "role", "-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="person_period_in_order",
                violation_error_message=_("A person's period ends on or after the day it starts."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "role", "ended_on"], name="person_org_role_idx")]

    def __str__(self) -> str:
        return f"{self.organization}：{self.get_role_display()} {self.name}"

    # The same in SQL (core/exports/copy.py masks personal data by it).
    jurisdiction_path = "organization__registered_by"

    def jurisdiction_district(self) -> str | None:
        """A person belongs to the district of the organization's registering authority."""
        return self.organization.jurisdiction_district() if self.organization_id else None

    def is_current(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    def history_snapshot(self, values: dict | None = None) -> dict:
        snapshot = super().history_snapshot(values)
        if snapshot.get("id_number"):
            snapshot["id_number"] = mask_id_number(snapshot["id_number"])
        return snapshot

    def clean_fields(self, exclude=None):
        self.name = normalise_text(self.name)
        self.id_number = normalise_id_number(self.id_number) or None
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = {}
        if self.id_number and (message := id_number_error(self.id_number)):
            errors["id_number"] = [message]
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = [gettext("A person's period ends on or after the day it starts.")]
        try:
            not_in_future(started_on=self.started_on)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.id_number = normalise_id_number(self.id_number) or None
        self.id_number_index = blind_index(self.id_number or "")
        super().save(*args, **kwargs)
