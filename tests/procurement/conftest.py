"""`rate`: give an organization an evaluation grade, as the award reads it."""

import dataclasses
import datetime

import pytest

from procurement import services
from tests.procurement.builders import valid_until


@dataclasses.dataclass
class _Rating:
    organization_id: int
    grade: int
    concluded_on: datetime.date
    revoked_on: datetime.date | None = None


class _GradeBook:
    """INTERIM stand-in for ratings.selectors.grade_on until the ratings branch lands on main."""

    def __init__(self):
        self.ratings: list[_Rating] = []

    def grade_on(self, organization, on):
        own = [r for r in self.ratings if r.organization_id == organization.pk and r.concluded_on <= on]
        if not own:
            return None
        newest = max(own, key=lambda r: r.concluded_on)
        if newest.revoked_on is not None and newest.revoked_on <= on:
            return None
        if on > valid_until(newest.concluded_on):
            return None
        return newest.grade


@pytest.fixture
def rate(monkeypatch):
    """rate(organization, grade, concluded_on, revoked_on=None): the organization's evaluation."""
    book = _GradeBook()
    monkeypatch.setattr(services, "grade_on", book.grade_on)

    def rate(organization, grade: int, concluded_on: datetime.date, revoked_on: datetime.date | None = None):
        book.ratings.append(_Rating(organization.pk, grade, concluded_on, revoked_on))

    return rate
