"""Figures and documents of the bureau's reply, kept as data so the registry can be held against them."""

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import HistoryModel
from registry.choices import DivisionLevel
from reports.choices import (
    APPROXIMATE_COMPARISONS,
    REPLY_SOURCE,
    Comparison,
    DateEvent,
    DatePrecision,
    DocumentKind,
    DocumentStatus,
    FigureUnit,
)


class PublishedFigure(HistoryModel):
    """A figure the bureau published, with the sentence it comes from.

    `key` is the figure's path in the statistics (`organizations.by_type.foundation`), so the
    registry's own value on `reference_date` (within `district`, when set) is found by the same
    name; `comparison` and `precision` say how the two are held against each other.
    """

    key = models.CharField(_("statistic"), max_length=100, db_index=True)
    label = models.CharField(_("label"), max_length=200)
    value = models.DecimalField(_("published value"), max_digits=16, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=10, choices=FigureUnit.choices)
    precision = models.DecimalField(
        _("precision"),
        max_digits=12,
        decimal_places=4,
        default=Decimal("1"),
        help_text=_("The unit the reply rounds the figure to: 1 for a whole number, 0.01 for a whole percent."),
    )
    reference_date = models.DateField(_("reference date"))
    comparison = models.CharField(_("comparison rule"), max_length=15, choices=Comparison.choices)
    approximate = models.BooleanField(_("approximate"), default=False, editable=False)
    district = models.ForeignKey(
        "registry.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_figures",
        verbose_name=_("district"),
        limit_choices_to={"level": DivisionLevel.DISTRICT},
        help_text=_("Empty: the figure is about the whole city."),
    )
    sentence = models.TextField(_("sentence of the reply"))
    source = models.CharField(_("source"), max_length=200, default=REPLY_SOURCE)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "reference_date"],
                condition=Q(district__isnull=True),
                name="published_figure_unique_city",
                violation_error_message=_("This figure is already recorded for this date."),
            ),
            models.UniqueConstraint(
                fields=["key", "reference_date", "district"],
                name="published_figure_unique_district",
                violation_error_message=_("This figure is already recorded for this district and date."),
            ),
            models.CheckConstraint(
                condition=(Q(approximate=True) & Q(comparison__in=APPROXIMATE_COMPARISONS))
                | (Q(approximate=False) & ~Q(comparison__in=APPROXIMATE_COMPARISONS)),
                name="published_figure_approximate_follows_rule",
                violation_error_message=_(
                    "A figure is approximate exactly when its rule is 'approximate', 'nearly', 'more than' or 'odd'."
                ),
            ),
            models.CheckConstraint(
                condition=Q(precision__gt=0),
                name="published_figure_precision_positive",
                violation_error_message=_("The precision must be greater than zero."),
            ),
        ]

    def __str__(self) -> str:
        where = f" · {self.district.name}" if self.district_id else ""
        return f"{self.label}{where}（{self.reference_date:%Y-%m-%d}）"

    def save(self, *args, **kwargs):
        self.approximate = self.comparison in APPROXIMATE_COMPARISONS
        super().save(*args, **kwargs)


class Document(HistoryModel):
    """A policy, standard or programme the reply names, dated as precisely as the reply dates it."""

    title = models.CharField(_("title"), max_length=200)
    title_quoted = models.BooleanField(
        _("title as published"),
        default=True,
        help_text=_("Set when the reply gives the title in 《》; otherwise the title only describes the subject."),
    )
    issuer = models.CharField(
        _("issuer"), max_length=100, blank=True, help_text=_("Empty when the reply does not say who issued it.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.ISSUED)
    dated = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(_("date precision"), max_length=5, choices=DatePrecision.choices, blank=True)
    date_event = models.CharField(
        _("what the date marks"), max_length=10, choices=DateEvent.choices, default=DateEvent.ISSUED
    )
    sentence = models.TextField(_("sentence of the reply"))
    source = models.CharField(_("source"), max_length=200, default=REPLY_SOURCE)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("policy or standard")
        verbose_name_plural = _("policies and standards")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["title"],
                name="document_title_unique",
                violation_error_code="unique",  # reported on the field, not under __all__
                violation_error_message=_("A document with this title is already recorded."),
            ),
            models.CheckConstraint(
                condition=(Q(dated__isnull=True) & Q(date_precision=""))
                | (Q(dated__isnull=False) & ~Q(date_precision="")),
                name="document_date_has_precision",
                violation_error_message=_("A date needs its precision (day, month or year), and a precision a date."),
            ),
        ]

    def __str__(self) -> str:
        return f"《{self.title}》" if self.title_quoted else self.title

    @property
    def date_as_given(self) -> str:
        """The date as the reply gives it: 2017年8月, 2021年, or empty."""
        if self.dated is None:
            return ""
        if self.date_precision == DatePrecision.YEAR:
            return f"{self.dated.year}年"
        if self.date_precision == DatePrecision.MONTH:
            return f"{self.dated.year}年{self.dated.month}月"
        return f"{self.dated.year}年{self.dated.month}月{self.dated.day}日"


class Citation(HistoryModel):
    """The sentence of the reply a reference record of another app comes from (the innovation park of
    the platforms fixture), with what the record had to assume where the reply is silent."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.CharField(_("record id"), max_length=40)
    record = GenericForeignKey("content_type", "object_id")
    sentence = models.TextField(_("sentence of the reply"))
    source = models.CharField(_("source"), max_length=200, default=REPLY_SOURCE)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("citation of the reply")
        verbose_name_plural = _("citations of the reply")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                name="citation_one_per_record",
                violation_error_message=_("This record already cites the reply."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.name} {self.object_id}"
