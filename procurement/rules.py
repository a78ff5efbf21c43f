"""Small rules the models, services and selectors of procurement share."""

from __future__ import annotations

import datetime
from decimal import Decimal


def yuan(amount: Decimal) -> str:
    """250000 → '250,000.00': an amount as a clerk reads it in a message."""
    return f"{amount:,.2f}"


def last_four_years(as_of: datetime.date) -> range:
    """The reply's "近四年": the four calendar years before the year of the date (2019–2022 for the
    reply's date, 2023-06-15). An assumption, the reply names no years
    (docs/decisions/0060-last-four-years.md); the statistics and the totals both ask this function."""
    return range(as_of.year - 4, as_of.year)


def organization_active_on(organization, on: datetime.date) -> bool:
    """Registered on or before `on`, and not deregistered or revoked on or before it (DESIGN §4)."""
    if organization.registered_on > on:
        return False
    return organization.status_date is None or organization.status_date > on
