from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.choices import DivisionLevel

CODE_LENGTH = {
    DivisionLevel.CITY: 6,
    DivisionLevel.DISTRICT: 6,
    DivisionLevel.TOWNSHIP: 9,
    DivisionLevel.COMMUNITY: 12,
}


def community_is_urban(code: str) -> bool | None:
    """Residents' committees (居委会, last three digits 001–199) are urban, villages (200–399) rural."""
    if len(code) != 12 or not code.isdigit():
        return None
    serial = int(code[-3:])
    if 1 <= serial <= 199:
        return True
    if 200 <= serial <= 399:
        return False
    return None


class Division(models.Model):
    """An administrative division (行政区划): the city, its districts, townships and communities.

    The code is the key (GB/T 2260 for city and districts, the statistics bureau's 9- and 12-digit
    codes below). Historical district codes (江东区 330204, 奉化市 330283) are kept because older
    credit codes still carry them; `successor` names the division that replaced them.
    """

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=DivisionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor (historical codes)"),
    )
    urban = models.BooleanField(_("urban community"), null=True, blank=True, editable=False)
    urban_rural_class = models.CharField(_("urban–rural class (statistics bureau)"), max_length=3, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=DivisionLevel.CITY, parent__isnull=True) | ~Q(level=DivisionLevel.CITY),
                name="division_city_has_no_parent",
                violation_error_message=_("The city has no parent division."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_historical(self) -> bool:
        return self.successor_id is not None

    @property
    def current(self) -> "Division":
        """The division in force: itself, or the successor of a historical code."""
        division = self
        while division.successor_id is not None:
            division = division.successor
        return division

    def district_code(self) -> str | None:
        """The code of the district this division lies in (itself for a district)."""
        if self.level == DivisionLevel.DISTRICT:
            return self.code
        if self.level == DivisionLevel.TOWNSHIP:
            return self.parent_id
        if self.level == DivisionLevel.COMMUNITY:
            return self.code[:6] if self.parent_id is None else self.parent.parent_id
        return None

    def save(self, *args, **kwargs):
        self.urban = community_is_urban(self.code) if self.level == DivisionLevel.COMMUNITY else None
        super().save(*args, **kwargs)
