"""The dashboard's figures: the statistics by registering authority (one row a district) and the
registrations over the years, each column computed in one or two grouped queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Case, Count, F, Q, When
from django.db.models.functions import ExtractYear

from platforms.choices import PlatformLevel
from platforms.selectors import (
    platforms_open_on,
    standardized_platforms,
    township_centres_open_on,
)
from ratings.choices import PURCHASE_PRIORITY_MIN_GRADE
from ratings.models import Evaluation
from registry.choices import CITY_CODE, DivisionLevel, OrgType
from registry.models import Division, Organization, PartyOrganization
from registry.models.party import in_force_on as party_in_force_on
from reports.selectors import filings_counting_on, organizations_counting_on


def organizations_by_district(as_of: datetime.date) -> dict[str, dict]:
    """Per registering authority (the city bureau's code for city-level ones): total and by type. One query."""
    rows = organizations_counting_on(as_of).order_by().values("registered_by_id", "org_type").annotate(n=Count("pk"))
    result: dict[str, dict] = {}
    for row in rows:
        entry = result.setdefault(row["registered_by_id"], _no_organizations())
        entry["by_type"][row["org_type"]] += row["n"]
        entry["total"] += row["n"]
    return result


def filings_by_district(as_of: datetime.date) -> dict[str, dict]:
    """Per district: filings counting on `as_of` in urban and in rural communities. One query."""
    rows = (
        filings_counting_on(as_of)
        .order_by()
        .values("district_id")
        .annotate(n_urban=Count("pk", filter=Q(urban=True)), n_rural=Count("pk", filter=Q(urban=False)))
    )
    return {row["district_id"]: {"urban": row["n_urban"], "rural": row["n_rural"]} for row in rows}


def _no_filings() -> dict:
    return {"urban": 0, "rural": 0}


def party_by_district(as_of: datetime.date) -> dict[str, int]:
    """Per registering authority: party organizations in being on `as_of` that cover its organizations. One query."""
    rows = (
        PartyOrganization.objects.filter(party_in_force_on(as_of))
        .order_by()
        .values("organizations__registered_by_id")
        .annotate(n=Count("pk", distinct=True))
    )
    return {row["organizations__registered_by_id"]: row["n"] for row in rows}


def ratings_by_district(as_of: datetime.date) -> dict[str, int]:
    """Per registering authority: organizations counting on `as_of` whose current grade is 3A or above. One query."""
    rows = (
        Evaluation.objects.valid_on(as_of)
        .filter(organization__in=organizations_counting_on(as_of).values("pk"), grade__gte=PURCHASE_PRIORITY_MIN_GRADE)
        .order_by()
        .values("organization__registered_by_id")
        .annotate(n=Count("organization", distinct=True))
    )
    return {row["organization__registered_by_id"]: row["n"] for row in rows}


def _authority_of_platform() -> Case:
    """The district a platform lies in (its division's, or its township's parent); the city's code for
    city-level platforms, so they fall in the city row of the table."""
    return Case(When(level=PlatformLevel.TOWNSHIP, then=F("division__parent_id")), default=F("division_id"))


def platforms_by_district(as_of: datetime.date) -> dict[str, dict]:
    """Per district: platforms open on `as_of` and standardised township centres. Two queries."""
    result: dict[str, dict] = {}
    rows = platforms_open_on(as_of).order_by().annotate(authority=_authority_of_platform())
    for row in rows.values("authority").annotate(n=Count("pk")):
        result.setdefault(row["authority"], _no_platforms())["open"] = row["n"]
    standardized = standardized_platforms(township_centres_open_on(as_of), on_date=as_of).order_by()
    for row in standardized.values("division__parent_id").annotate(n=Count("pk")):
        result.setdefault(row["division__parent_id"], _no_platforms())["standardized_township_centres"] = row["n"]
    return result


def _no_platforms() -> dict:
    return {"open": 0, "standardized_township_centres": 0}


def _no_organizations() -> dict:
    return {"total": 0, "by_type": dict.fromkeys(OrgType.values, 0)}


# Figures of the district table: name -> (as_of -> {authority code: figures}, figures of an authority
# without any); each computed in one or two grouped queries.
DISTRICT_COLUMNS: dict[str, tuple[Callable[[datetime.date], dict[str, dict]], Callable[[], object]]] = {
    "organizations": (organizations_by_district, _no_organizations),
    "community_organizations": (filings_by_district, _no_filings),
    "rated_3a_plus": (ratings_by_district, int),
    "party_organizations": (party_by_district, int),
    "platforms": (platforms_by_district, _no_platforms),
}


def district_table(as_of: datetime.date) -> list[dict]:
    """One row per current district, then one for the city bureau (city-level organizations), with the
    figures of `DISTRICT_COLUMNS`; what a district lacks is zero."""
    columns = {name: (compute(as_of), empty) for name, (compute, empty) in DISTRICT_COLUMNS.items()}
    divisions = list(
        Division.objects.filter(level=DivisionLevel.DISTRICT, successor__isnull=True).order_by("code")
    ) + list(Division.objects.filter(code=CITY_CODE))
    rows = []
    for division in divisions:
        row = {"code": division.code, "name": division.name, "city": division.code == CITY_CODE}
        for name, (values, empty) in columns.items():
            row[name] = values.get(division.code) or empty()
        rows.append(row)
    return rows


def registrations_per_year(as_of: datetime.date, district: str | None = None) -> list[tuple[int, int]]:
    """(year, organizations registered that year) up to `as_of`, whatever became of them since."""
    queryset = Organization.objects.filter(registered_on__lte=as_of)
    if district:
        queryset = queryset.filter(registered_by_id=district)
    rows = (
        queryset.order_by()
        .annotate(year=ExtractYear("registered_on"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    return [(row["year"], row["n"]) for row in rows]
