"""The clerks' dashboard in the admin: key figures, a table by district, charts, and the published
figures held against the register, on any date and for the city or one district."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import principal_of
from registry.choices import DivisionLevel, OrgType
from registry.models import Division
from reports import charts, published, selectors
from reports.dashboard import district_table, registrations_per_year
from reports.labels import label_for

# The figures shown as cards at the top, when their section is in the statistics.
KEY_FIGURES = [
    "organizations.total",
    "organizations.by_type.social_group",
    "organizations.by_type.social_service",
    "organizations.by_type.foundation",
    "organizations.city_level.total",
    "organizations.community_foundations",
    "community_organizations.total",
    "community_organizations.urban",
    "community_organizations.rural",
    "community_organizations.per_urban_community",
    "community_organizations.per_rural_community",
    "community_organizations.active_rate",
    "ratings.rated_3a_plus",
    "ratings.by_grade.5",
    "ratings.by_grade.4",
    "ratings.by_grade.3",
    "party.party_organizations",
    "party.members",
    "platforms.total",
    "platforms.standardized_township_centres",
    "platforms.townships_without_platform",
    "procurement.last_four_years.projects",
    "procurement.last_four_years.amount",
    "supervision.reports.due",
    "supervision.reports.filed",
    "supervision.reports.overdue",
    "supervision.abnormal_list",
    "supervision.serious_list",
    "supervision.proposals.open",
    "supervision.proposals.overdue",
]


PERCENTAGES = {"community_organizations.active_rate"}


class DashboardForm(forms.Form):
    as_of = forms.DateField(label=_("as of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    district = forms.ChoiceField(label=_("district"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Division.objects.filter(level=DivisionLevel.DISTRICT, successor__isnull=True).order_by("code")
        self.fields["district"].choices = [("", _("whole city"))] + [(d.code, d.name) for d in districts]


def _charts(table: list[dict], years: list[tuple[int, int]], figures: dict, district_name: str | None = None) -> list:
    names = [row["name"] if not row["city"] else str(_("city level")) for row in table]
    districts = [row for row in table if not row["city"]]
    filings = [
        charts.Series(str(_("urban communities")), [row["community_organizations"]["urban"] for row in districts]),
        charts.Series(str(_("rural communities")), [row["community_organizations"]["rural"] for row in districts]),
    ]
    by_type = [
        charts.Series(str(OrgType(org_type).label), [row["organizations"]["by_type"][org_type] for row in table])
        for org_type in OrgType.values
    ]
    every = max(1, len(years) // 12)
    by_grade = figures["ratings"]["by_grade"]
    return [
        charts.stacked_bars(
            title=str(_("Organizations by type and registering authority")),
            categories=names,
            series=by_type,
            highlight=district_name,
        ),
        charts.stacked_bars(
            title=str(_("Community organization filings by district, urban and rural")),
            categories=[row["name"] for row in districts],
            series=filings,
            highlight=district_name,
        ),
        charts.columns(
            title=str(_("Organizations by current grade")),
            categories=[f"{grade}A" for grade in range(1, 6)],
            series=[charts.Series(str(_("organizations")), [by_grade[str(grade)] for grade in range(1, 6)])],
        ),
        charts.columns(
            title=str(_("Registrations per year")),
            categories=[str(year) for year, _n in years],
            series=[charts.Series(str(_("registered")), [n for _year, n in years])],
            label_every=every,
        ),
    ]


def plain_number(value: Decimal | None) -> str:
    """10224.0000 → 10,224; 0.7600 → 0.76; None → —."""
    if value is None:
        return "—"
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _comparison_rows(results: list[published.FigureCheck]) -> list[dict]:
    return [
        {
            "figure": result.figure,
            "published": plain_number(result.figure.value),
            "registry": plain_number(result.registry_value),
            "difference": plain_number(result.difference),
            "faithful": result.faithful,
        }
        for result in results
    ]


def _export_links(as_of, district: str | None) -> list[tuple[str, str]]:
    """The page's figures and its comparison with the published figures as files: the statistics API's
    own exports (one row per figure, logged in the export log), for the same date and district."""
    query = {"as_of": as_of.isoformat(), **({"district": district} if district else {})}
    url = reverse("stats")
    return [
        (f"{url}?{urlencode({**query, 'format': 'csv'})}", _("Export the figures (CSV)")),
        (f"{url}?{urlencode({**query, 'format': 'xlsx'})}", _("Export the figures (Excel)")),
        (f"{url}?{urlencode({**query, 'compare': 'published', 'format': 'csv'})}", _("Export the comparison (CSV)")),
        (f"{url}?{urlencode({**query, 'compare': 'published', 'format': 'xlsx'})}", _("Export the comparison (Excel)")),
    ]


def dashboard(request):
    if not principal_of(request.user).reads_history:
        raise PermissionDenied
    form = DashboardForm(request.GET or None)
    as_of, district = timezone.localdate(), None
    if form.is_valid():
        as_of = form.cleaned_data["as_of"] or as_of
        district = form.cleaned_data["district"] or None
    figures = selectors.statistics(as_of, district)
    district_name = Division.objects.filter(code=district).values_list("name", flat=True).first() if district else None
    table = district_table(as_of)
    if district:
        # The district chosen narrows every part of the page: its row of the table, its bars in the charts.
        table = [row for row in table if row["code"] == district]
    years = registrations_per_year(as_of, district)
    cards = [
        {"key": key, "label": label_for(key), "value": selectors.value_at(figures, key)}
        for key in KEY_FIGURES
        if selectors.value_at(figures, key) is not None
    ]
    for card in cards:
        value = Decimal(str(card["value"]))
        card["shown"] = f"{value * 100:.1f}%" if card["key"] in PERCENTAGES else plain_number(value)
    context = {
        **admin.site.each_context(request),
        "title": _("Statistics dashboard"),
        "form": form,
        "as_of": as_of,
        "district": district,
        "cards": cards,
        "table": table,
        "charts": _charts(table, years, figures, district_name),
        "exports": _export_links(as_of, district),
        "comparisons": _comparison_rows(published.published_comparisons(district)),
    }
    return render(request, "admin/reports/dashboard.html", context)
