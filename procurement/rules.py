"""Small rules the models, services and selectors of procurement share."""

from __future__ import annotations

import datetime
from decimal import Decimal


def yuan(amount: Decimal) -> str:
    """250000 → '250,000.00': an amount as a clerk reads it in a message."""
    return f"{amount:,.2f}"


def organization_active_on(organization, on: datetime.date) -> bool:
    """Registered on or before `on`, and not deregistered or revoked on or before it (DESIGN §4)."""
    if organization.registered_on > on:
        return False
    return organization.status_date is None or organization.status_date > on
