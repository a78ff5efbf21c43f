"""What each statistic is called, for people (dashboard, CSV and XLSX headers and rows)."""

from django.utils.translation import gettext_lazy as _

from procurement.choices import FundingSource as ProjectFundingSource

STAT_LABELS = {
    "organizations.total": _("Organizations"),
    "organizations.by_type.social_group": _("Social groups"),
    "organizations.by_type.social_service": _("Social service institutions"),
    "organizations.by_type.foundation": _("Foundations"),
    "organizations.city_level.total": _("City-level organizations"),
    "organizations.city_level.by_type.social_group": _("City-level social groups"),
    "organizations.city_level.by_type.social_service": _("City-level social service institutions"),
    "organizations.city_level.by_type.foundation": _("City-level foundations"),
    "organizations.community_foundations": _("Community development foundations"),
    "organizations.districts_with_community_foundation": _("Districts with a community development foundation"),
    "community_organizations.total": _("Community organization filings"),
    "community_organizations.urban": _("Filings in urban communities"),
    "community_organizations.rural": _("Filings in rural communities"),
    "community_organizations.township_level": _("Filings at township level (without a community)"),
    "community_organizations.urban_communities": _("Urban communities"),
    "community_organizations.rural_communities": _("Rural communities"),
    "community_organizations.per_urban_community": _("Filings per urban community"),
    "community_organizations.per_rural_community": _("Filings per rural community"),
    "community_organizations.active": _("Active community organizations"),
    "community_organizations.active_rate": _("Community organization activity rate"),
    "ratings.rated": _("Organizations with a current rating"),
    "ratings.rated_3a_plus": _("Organizations rated 3A or above"),
    "ratings.by_grade.5": _("Rated 5A"),
    "ratings.by_grade.4": _("Rated 4A"),
    "ratings.by_grade.3": _("Rated 3A"),
    "ratings.by_grade.2": _("Rated 2A"),
    "ratings.by_grade.1": _("Rated 1A"),
    "honours.national_advanced": _("National advanced social organizations"),
    "honours.provincial_brand": _("Provincial brand social organizations"),
    "honours.provincial_leader": _("Provincial social organization leaders"),
    "honours.role_model": _("Role models of the era"),
    "honours.city_three_hundred_best": _('City "three hundred best" honours'),
    "party.party_organizations": _("Party organizations in social organizations"),
    "party.members": _("Party members"),
    "party.comprehensive_committee.organizations": _("Organizations covered by the comprehensive party committees"),
    "party.comprehensive_committee.party_organizations": _("Party organizations of the comprehensive party committees"),
    "party.comprehensive_committee.members": _("Party members of the comprehensive party committees"),
    "party.comprehensive_committee.by_level.city.organizations": _(
        "Organizations covered by the city's comprehensive party committee"
    ),
    "party.comprehensive_committee.by_level.city.party_organizations": _(
        "Party organizations of the city's comprehensive party committee"
    ),
    "party.comprehensive_committee.by_level.city.members": _(
        "Party members of the city's comprehensive party committee"
    ),
    "party.comprehensive_committee.by_level.district.organizations": _(
        "Organizations covered by the districts' comprehensive party committees"
    ),
    "party.comprehensive_committee.by_level.district.party_organizations": _(
        "Party organizations of the districts' comprehensive party committees"
    ),
    "party.comprehensive_committee.by_level.district.members": _(
        "Party members of the districts' comprehensive party committees"
    ),
    "platforms.total": _("Hub and support platforms open"),
    "platforms.by_kind.hub": _("Hub platforms"),
    "platforms.by_kind.support": _("Support platforms"),
    "platforms.by_kind.innovation_park": _("Innovation parks"),
    "platforms.standardized_township_centres": _("Township party-mass service centres built to the standard"),
    "platforms.by_level.city": _("City-level platforms"),
    "platforms.by_level.district": _("District-level platforms"),
    "platforms.by_level.township": _("Township-level platforms"),
    "platforms.city_innovation_parks": _("City-level innovation parks"),
    "platforms.townships": _("Townships and streets"),
    "platforms.townships_without_platform": _("Townships without a platform"),
    "platforms.zones": _("Functional zones (not townships)"),
    "platforms.zones_with_platform": _("Functional zones with a township-level platform"),
    "platforms.welfare_lottery_city": _("City welfare-lottery funds for platforms this year (yuan)"),
    "procurement.last_four_years.years": _("The last four years"),
    "procurement.last_four_years.counts": _("Projects counted in the four-year figures"),
    "procurement.last_four_years.projects": _("Purchased-service projects, last four years"),
    "procurement.last_four_years.amount": _("Purchased services, last four years (yuan)"),
    "procurement.last_four_years.growth": _("Growth from the first to the last of the four years"),
    "procurement.project_cap": _("Cap per purchased-service project (yuan)"),
    "procurement.transferred_functions.items": _("Government functions transferred"),
    "procurement.transferred_functions.batches": _("Batches of transferred functions"),
    "supervision.report_year": _("Year of the annual work reports counted"),
    "supervision.reports.due": _("Annual work reports due"),
    "supervision.reports.filed": _("Annual work reports filed"),
    "supervision.reports.overdue": _("Annual work reports overdue"),
    "supervision.abnormal_list": _("Organizations on the abnormal-activity list"),
    "supervision.serious_list": _("Organizations on the serious-violation list"),
    "supervision.proposals.open": _("Supervision proposals open"),
    "supervision.proposals.overdue": _("Supervision proposals overdue"),
}


def label_for(key: str) -> str:
    """The label of a statistic; the yearly procurement figures are named by their year."""
    if key in STAT_LABELS:
        return str(STAT_LABELS[key])
    parts = key.split(".")
    if len(parts) == 4 and parts[:2] == ["procurement", "by_year"]:
        what = _("projects") if parts[3] == "projects" else _("amount (yuan)")
        return f"{parts[2]} {_('purchased services')} · {what}"
    if len(parts) == 4 and parts[:2] == ["procurement", "by_funding_source"]:
        what = _("projects") if parts[3] == "projects" else _("amount (yuan)")
        source = dict(ProjectFundingSource.choices).get(parts[2], parts[2])
        return f"{_('Last four years')} · {source} · {what}"
    return key


def flatten(data: dict, prefix: str = "") -> list[tuple[str, object]]:
    """(dotted key, value) for every figure of a statistics section, in order."""
    rows = []
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            rows.extend(flatten(value, f"{key}."))
        else:
            rows.append((key, value))
    return rows
