from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.filters import normalise_text
from core.models import HistoryModel
from core.validators import not_in_future
from registry.choices import DivisionLevel, Field, FilingCategory, FilingStatus
from registry.models.divisions import Division
from registry.models.organizations import Organization
from registry.models.publicity import PublicRecord

# 330212001-2023-0007: township code, year of filing, sequence within that township and year.
FILING_NUMBER_FORMAT = "{township}-{year}-{sequence:04d}"
REGISTRY_NUMBER = re.compile(r"(?P<township>\d{9})-(?P<year>\d{4})-(?P<sequence>\d{4,})")
# A township desk's own number from before the registry (docs/decisions/0130-filing-number-formats.md):
# 鄞下应备字〔2023〕1号 — the desk's prefix in Chinese characters, 备字, the year in brackets, the sequence.
DESK_NUMBER = re.compile(r"(?P<prefix>[\u4e00-\u9fff]{1,12})备字〔(?P<year>\d{4})〕第?(?P<sequence>\d{1,6})号")
# Brackets as desks type them (after NFKC: [ ( 【 〖 ［ （) written the one way, so a number is one text.
DESK_BRACKETS = str.maketrans(
    {"[": "〔", "(": "〔", "【": "〔", "〖": "〔", "]": "〕", ")": "〕", "】": "〕", "〗": "〕"}
)


def normalise_filing_number(value: str) -> str:
    """NFKC, trimmed, upper case (numbers are compared ignoring case); a desk number's brackets as 〔〕."""
    number = normalise_text(value).upper()
    if "备字" in number:
        number = number.translate(DESK_BRACKETS)
    return number


def filing_number_errors(number: str, *, township_id: str | None, year: int | None) -> list[str]:
    """What is wrong with a number given for a new filing of `township_id` filed in `year` (nothing: [])."""
    if match := REGISTRY_NUMBER.fullmatch(number):
        errors = []
        if township_id and match["township"] != township_id:
            errors.append(
                gettext("The number names the township %(number_township)s; this filing is kept by %(township)s.")
                % {"number_township": match["township"], "township": township_id}
            )
        if year and int(match["year"]) != year:
            errors.append(
                gettext("The number names the year %(number_year)s; this filing was filed in %(year)d.")
                % {"number_year": match["year"], "year": year}
            )
        if int(match["sequence"]) == 0:
            errors.append(gettext("The sequence of a filing number starts at 0001."))
        return errors
    if match := DESK_NUMBER.fullmatch(number):
        if year and int(match["year"]) != year:
            return [
                gettext("The number names the year %(number_year)s; this filing was filed in %(year)d.")
                % {"number_year": match["year"], "year": year}
            ]
        return []
    return [
        gettext(
            "%(number)s is not a filing number: leave it empty for a new one, or give the registry's "
            "(township code-year-sequence, 330212001-2023-0007) or a township desk's (鄞下应备字〔2023〕1号)."
        )
        % {"number": number}
    ]


class FilingNumberCounter(models.Model):
    """The last sequence handed out for filings of one township in one year.

    Numbers are taken by incrementing this row with an UPDATE (a row lock on PostgreSQL, the write
    lock on SQLite) inside the filing's transaction, so two concurrent filings never get the same
    number; see docs/decisions/0010-filing-numbers.md.
    """

    township = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("township or street")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_sequence = models.PositiveIntegerField(_("last sequence"), default=0)

    class Meta:
        verbose_name = _("filing number counter")
        verbose_name_plural = _("filing number counters")
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year"],
                name="filing_counter_township_year_unique",
                violation_error_message=_("There is already a counter for this township and year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.township_id}-{self.year}: {self.last_sequence}"

    @classmethod
    def take(cls, *, township_id: str, year: int) -> int:
        """The next sequence for the township and year (1 for the first), taken under a lock."""
        with transaction.atomic():
            while True:
                counters = cls.objects.filter(township_id=township_id, year=year)
                if counters.update(last_sequence=F("last_sequence") + 1):
                    return counters.values_list("last_sequence", flat=True).get()
                try:
                    with transaction.atomic():
                        cls.objects.create(township_id=township_id, year=year, last_sequence=1)
                    return 1
                except IntegrityError:
                    continue  # another filing created the counter first: increment it instead


def next_filing_number(*, township_id: str, year: int) -> str:
    """A new filing number for the township and year; skips numbers a district already used itself."""
    while True:
        sequence = FilingNumberCounter.take(township_id=township_id, year=year)
        number = FILING_NUMBER_FORMAT.format(township=township_id, year=year, sequence=sequence)
        if not CommunityOrganization._base_manager.filter(filing_number=number).exists():
            return number


class CommunityOrganization(HistoryModel, PublicRecord):
    """A community social organization filed with its township (社区社会组织备案).

    Not a legal person and without a credit code: it is known by its filing number. `district`
    follows from the township, `urban` from the community; both are stored for filtering and
    statistics. A filing made at township level has no community: then `urban` is given with it.
    """

    filing_number = models.CharField(
        _("filing number"),
        max_length=50,
        blank=True,
        help_text=_("Made from the township code, the year and a sequence (330212001-2023-0007) when left empty."),
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    township = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="township_filings",
        verbose_name=_("township or street"),
        limit_choices_to={"level": DivisionLevel.TOWNSHIP},
    )
    community = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="community_filings",
        verbose_name=_("community"),
        limit_choices_to={"level": DivisionLevel.COMMUNITY},
        help_text=_("Empty for a filing made at township level (then say whether it is urban or rural)."),
    )
    district = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="district_filings",
        verbose_name=_("district"),
        editable=False,
    )
    # Follows from the community; given by the desk for a township-level filing without one (DESIGN §9).
    # Nullable only so that "not given" can be told from "rural"; a stored filing always has it.
    urban = models.BooleanField(
        _("urban community"),
        null=True,
        blank=True,
        help_text=_("Follows from the community; for a filing without a community, say urban or rural."),
    )
    category = models.CharField(_("category"), max_length=20, choices=FilingCategory.choices, db_index=True)
    field = models.CharField(
        pgettext_lazy("area of activity", "field"), max_length=20, choices=Field.choices, blank=True, db_index=True
    )
    filed_on = models.DateField(_("filing date"), db_index=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    active = models.BooleanField(_("actively operating"), default=True)
    last_active_on = models.DateField(_("last activity date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=FilingStatus.choices,
        default=FilingStatus.FILED,
        editable=False,
        db_index=True,
    )
    status_date = models.DateField(_("status date"), null=True, blank=True, editable=False)
    status_reason = models.TextField(_("status reason"), blank=True, editable=False)
    registered_as = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="community_filings",
        verbose_name=_("registered as (organization)"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    # Saying which organization a filing became is a statement about that organization (0100-…).
    guarded_links = ("registered_as",)

    class Meta:
        verbose_name = _("community organization filing")
        verbose_name_plural = _("community organization filings")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["filing_number"],
                name="filing_number_unique",
                violation_error_code="unique",  # reported on the field, not under __all__
                violation_error_message=_("A filing with this filing number already exists."),
            ),
            # Stored in upper case; this holds also for a write that bypasses save() (rt-1 and RT-1 are one).
            models.UniqueConstraint(
                Upper("filing_number"),
                name="filing_number_unique_ignoring_case",
                violation_error_message=_("A filing with this filing number already exists."),
            ),
            models.CheckConstraint(
                condition=Q(member_count__gte=0),
                name="filing_member_count_not_negative",
                violation_error_message=_("The number of members may not be negative."),
            ),
            models.CheckConstraint(
                condition=Q(urban__isnull=False) | Q(community__isnull=False),
                name="filing_urban_known",
                violation_error_message=_("A filing without a community must say whether it is urban or rural."),
            ),
            models.CheckConstraint(
                condition=Q(status=FilingStatus.FILED) | Q(status_date__isnull=False),
                name="filing_status_has_date",
                violation_error_message=_("A cancelled filing needs the date of its cancellation."),
            ),
            PublicRecord.not_public_has_reason("filing_not_public_has_reason"),
        ]
        indexes = [
            models.Index(fields=["district", "status"], name="filing_district_status_idx"),
            models.Index(fields=["township", "status"], name="filing_township_status_idx"),
            models.Index(fields=["urban", "status"], name="filing_urban_status_idx"),
            # Urban or rural by category, in the list's order: the page and its exact count from the
            # index alone (bench/README.md: 223 → … ms p95 at scale 20).
            models.Index(fields=["urban", "category", "id"], name="filing_urban_category_idx"),
            # A township's filings in the list's order: without it the page walked the primary key past
            # every other township's filings (133 ms at scale 20 for the largest; bench/README.md,
            # scale work of 2026-12-03).
            models.Index(fields=["township", "id"], name="filing_township_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.filing_number}）" if self.filing_number else self.name

    # The same in SQL (core/exports/copy.py masks personal data by it).
    jurisdiction_path = "township__parent"

    def jurisdiction_district(self) -> str | None:
        """A filing belongs to the district of its township."""
        return self.township.parent_id if self.township_id else None

    def jurisdiction_township(self) -> str | None:
        """A filing is kept by its township's filing desk (DESIGN §9)."""
        return self.township_id or None

    def _division(self, name: str) -> Division | None:
        """The township or community, or None when unset or unknown (field validation reports that)."""
        try:
            return getattr(self, name)
        except Division.DoesNotExist:
            return None

    def derive(self) -> None:
        """Set `district` and `urban` from the township and the community."""
        township = self._division("township")
        community = self._division("community")
        self.district_id = township.parent_id if township is not None else None
        if community is not None:
            self.urban = community.urban

    def clean_fields(self, exclude=None):
        self.name = normalise_text(self.name)
        self.filing_number = normalise_filing_number(self.filing_number)
        self.contact_person = normalise_text(self.contact_person)
        # district and urban are derived in clean(); their absence is reported on township and urban.
        super().clean_fields(exclude={*(exclude or ()), "district", "urban"})

    def clean(self):
        errors: dict[str, list[str]] = {}
        township = self._division("township")
        community = self._division("community")
        if township is not None and township.level != DivisionLevel.TOWNSHIP:
            errors["township"] = [gettext("%(division)s is not a township or street.") % {"division": township}]
            township = None
        if community is not None and community.level != DivisionLevel.COMMUNITY:
            errors["community"] = [gettext("%(division)s is not a community.") % {"division": community}]
        elif community is not None and township is not None and community.parent_id != township.code:
            errors["community"] = [
                gettext("The community %(community)s does not lie in the township %(township)s.")
                % {"community": community, "township": township}
            ]
        elif community is not None and community.urban is None:
            errors["community"] = [
                gettext("The code of %(community)s says neither residents' committee nor village.")
                % {"community": community}
            ]
        if community is None and not self.community_id and self.urban is None:
            # Named on both fields: either the community is missing, or the township-level filing's flag.
            message = gettext(
                "Give the community; a filing made at township level, without a community, must instead say "
                "whether it is urban or rural."
            )
            errors["community"] = [message]
            errors["urban"] = [message]
        stored_number = getattr(self, "_history_loaded", {}).get("filing_number")
        if not self._state.adding and stored_number and self.filing_number != stored_number:
            errors["filing_number"] = [
                gettext("A filing number never changes (it is %(number)s).") % {"number": stored_number}
            ]
        elif self._state.adding and self.filing_number:
            number_errors = filing_number_errors(
                self.filing_number,
                township_id=township.code if township is not None else None,
                year=self.filed_on.year if self.filed_on else None,
            )
            if number_errors:
                errors["filing_number"] = number_errors
        errors.update(self.publicity_errors())
        try:
            not_in_future(filed_on=self.filed_on, last_active_on=self.last_active_on)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
        self.derive()

    def save(self, *args, **kwargs):
        self.name = normalise_text(self.name)
        self.filing_number = normalise_filing_number(self.filing_number)
        self.derive()
        with transaction.atomic(using=kwargs.get("using")):
            if not self.filing_number:
                self.filing_number = next_filing_number(township_id=self.township_id, year=self.filed_on.year)
            super().save(*args, **kwargs)
