from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.choices import (
    CITY_CODE,
    COUNTED_TOWNSHIP_KINDS,
    DIVISION_KIND_SERIALS,
    DivisionKind,
    DivisionLevel,
    UrbanRuralClass,
)

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


def kind_for_code(code: str) -> str:
    """The kind of a unit below a district from digits 7–9 of its 9-digit code (street, town,
    township or functional zone); blank for other codes and for serials outside 001–599."""
    if len(code) != 9 or not code.isdigit():
        return ""
    serial = int(code[6:])
    for kind, (low, high) in DIVISION_KIND_SERIALS.items():
        if low <= serial <= high:
            return kind
    return ""


def counted_townships_q(prefix: str = "") -> Q:
    """The townships and streets the reply's township figures count: level township, kind street,
    town or township (functional zones are reported on their own line)."""
    return Q(**{f"{prefix}level": DivisionLevel.TOWNSHIP, f"{prefix}kind__in": COUNTED_TOWNSHIP_KINDS})


# The level each level's parent must have.
PARENT_LEVEL = {
    DivisionLevel.DISTRICT: DivisionLevel.CITY,
    DivisionLevel.TOWNSHIP: DivisionLevel.DISTRICT,
    DivisionLevel.COMMUNITY: DivisionLevel.TOWNSHIP,
}


def level_for_code(code: str) -> str | None:
    """The level a code's length gives: 6 digits the city (330200) or a district, 9 a township, 12 a community."""
    if not code.isdigit():
        return None
    if len(code) == 6:
        return DivisionLevel.CITY if code == CITY_CODE else DivisionLevel.DISTRICT
    return {9: DivisionLevel.TOWNSHIP, 12: DivisionLevel.COMMUNITY}.get(len(code))


def placement_problems(*, code: str, level: str | None, parent: "Division | None") -> list[str]:
    """Why a code does not fit its level and parent (empty when it does).

    A township's 9-digit code starts with its district's code, a community's 12-digit code with its
    township's, and a community's last three digits are 001–199 (residents' committee) or 200–399
    (village): the statistics bureau's rules, which `import_divisions` and the admin both apply.
    """
    expected = level_for_code(code)
    if expected is None:
        return [gettext("A division code has 6, 9 or 12 digits; %(code)s does not.") % {"code": code}]
    if level and level != expected:
        return [
            gettext("A code of %(n)d digits is a %(expected)s, not a %(level)s.")
            % {"n": len(code), "expected": DivisionLevel(expected).label, "level": DivisionLevel(level).label}
        ]
    if expected == DivisionLevel.CITY:
        return [gettext("The city has no parent division.")] if parent is not None else []
    if parent is None:
        return [gettext("A %(level)s needs its parent division.") % {"level": DivisionLevel(expected).label}]
    problems = []
    wanted = PARENT_LEVEL[expected]
    if parent.level != wanted:
        problems.append(
            gettext("The parent of a %(level)s must be a %(wanted)s; %(parent)s is a %(found)s.")
            % {
                "level": DivisionLevel(expected).label,
                "wanted": DivisionLevel(wanted).label,
                "parent": parent.code,
                "found": DivisionLevel(parent.level).label,
            }
        )
    elif parent.successor_id is not None:
        problems.append(
            gettext("The parent %(parent)s is a historical code; use the current code %(current)s.")
            % {"parent": parent.code, "current": parent.successor_id}
        )
    prefix = parent.code[:4] if expected == DivisionLevel.DISTRICT else parent.code
    if not code.startswith(prefix):
        problems.append(
            gettext("The code %(code)s does not start with %(prefix)s, the code of its parent %(parent)s.")
            % {"code": code, "prefix": prefix, "parent": parent.code}
        )
    if expected == DivisionLevel.TOWNSHIP and not kind_for_code(code):
        problems.append(
            gettext(
                "Digits 7–9 of a township code are 001–099 (street), 100–199 (town), 200–399 (township) or "
                "400–599 (functional zone); %(code)s has %(serial)s."
            )
            % {"code": code, "serial": code[6:]}
        )
    if expected == DivisionLevel.COMMUNITY and community_is_urban(code) is None:
        problems.append(
            gettext(
                "The last three digits of a community code are 001–199 (residents' committee) or 200–399 "
                "(village); %(code)s ends in %(serial)s."
            )
            % {"code": code, "serial": code[-3:]}
        )
    return problems


class Division(models.Model):
    """An administrative division (行政区划): the city, its districts, townships and communities.

    The code is the key (GB/T 2260 for city and districts, the statistics bureau's 9- and 12-digit
    codes below). Historical district codes (江东区 330204, 奉化市 330283) are kept because older
    credit codes still carry them; `successor` names the division that replaced them.
    """

    # Exports show a division's name beside its code (core.exports.tables.NameColumn).
    export_name_field = "name"
    # Lists show it by its name, the code on hover (core.admin.bases.short_label).
    short_label_field = "name"

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
    kind = models.CharField(
        _("division kind"),
        max_length=10,
        blank=True,
        choices=DivisionKind.choices,
        editable=False,
        db_index=True,
        help_text=_("Below a district: street, town, township or functional zone, from digits 7–9 of the code."),
    )
    urban = models.BooleanField(_("urban community"), null=True, blank=True, editable=False)
    urban_rural_class = models.CharField(
        _("urban–rural class (statistics bureau)"), max_length=3, blank=True, choices=UrbanRuralClass.choices
    )
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
            models.CheckConstraint(
                condition=(Q(level=DivisionLevel.TOWNSHIP) & ~Q(kind=""))
                | (~Q(level=DivisionLevel.TOWNSHIP) & Q(kind="")),
                name="division_kind_below_district_only",
                violation_error_message=_(
                    "A unit below a district has a kind (street, town, township or functional zone); "
                    "other divisions have none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    def clean(self):
        parent = self.parent if self.parent_id else None
        problems = placement_problems(code=self.code or "", level=self.level, parent=parent)
        if problems:
            raise ValidationError({"code": problems})

    def derive(self) -> None:
        """Set what follows from the code: the kind of a unit below a district, whether a community is urban."""
        self.kind = kind_for_code(self.code) if self.level == DivisionLevel.TOWNSHIP else ""
        self.urban = community_is_urban(self.code) if self.level == DivisionLevel.COMMUNITY else None

    @property
    def is_zone(self) -> bool:
        return self.kind == DivisionKind.ZONE

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

    def jurisdiction_district(self) -> str | None:
        """A link to a division (an organization's domicile) lies in the division's district."""
        return self.district_code()

    def district_code(self) -> str | None:
        """The code of the district this division lies in (itself for a district)."""
        if self.level == DivisionLevel.DISTRICT:
            return self.code
        if self.level == DivisionLevel.TOWNSHIP:
            return self.parent_id
        if self.level == DivisionLevel.COMMUNITY:
            return self.code[:6] if self.parent_id is None else self.parent.parent_id
        return None
