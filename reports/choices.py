from django.db import models
from django.utils.translation import gettext_lazy as _

# The reply to suggestion No. 333 (宁波市民政局, 2023-06-15): the source of every published figure.
REPLY_DATE = "2023-06-15"
REPLY_SOURCE = "宁波市民政局对市十六届人大三次会议第333号建议的答复（2023年6月15日）"


class FigureUnit(models.TextChoices):
    COUNT = "count", _("count")
    PERSONS = "persons", _("persons")
    YUAN = "yuan", _("yuan")
    RATIO = "ratio", _("ratio")
    AVERAGE = "average", _("average per community")


class Comparison(models.TextChoices):
    """How the registry's value is held against a published figure (see docs/decisions/0061)."""

    EXACT = "exact", _("exact (at the precision the reply states it)")
    ABOUT = "about", _("approximate (rounds to the figure)")
    NEARLY = "nearly", _("nearly (just under the figure, by less than half a step of its precision)")
    MORE_THAN = "more_than", _("more than the figure")
    ODD = "odd", _("odd (above the figure, below the next step of its precision)")
    AT_LEAST = "at_least", _("at least the figure")
    REFERENCE_ONLY = "reference_only", _("for reference only (the registry cannot compute it)")


# Comparisons under which a published figure is approximate.
APPROXIMATE_COMPARISONS = (Comparison.ABOUT, Comparison.NEARLY, Comparison.MORE_THAN, Comparison.ODD)


class DocumentKind(models.TextChoices):
    POLICY = "policy", _("policy")
    STANDARD = "standard", _("standard")
    PROGRAMME = "programme", _("programme")


class DocumentStatus(models.TextChoices):
    ISSUED = "issued", _("issued")
    PLANNED = "planned", _("planned")


class DatePrecision(models.TextChoices):
    """How much of a date the reply gives: the stored date's finer parts are placeholders (the 1st)."""

    DAY = "day", _("day")
    MONTH = "month", _("month only")
    YEAR = "year", _("year only")


class DateEvent(models.TextChoices):
    ISSUED = "issued", _("issued")
    REVISED = "revised", _("revised")
