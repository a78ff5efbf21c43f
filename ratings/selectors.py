"""Reading grades: an organization's current grade on any day, for lists, filters, statistics and procurement.

The rule (DESIGN §2): on day D an organization's grade is that of its newest rating concluded on or
before D, provided that rating was not revoked on or before D and D is not after its
`valid_until`. A revoked or lapsed newest rating leaves the organization without a grade: it never
brings back an older one. `with_current_grade` computes it in the database (one correlated
subquery per annotated value, so a page of organizations costs no extra query); `grade_on` answers
for one organization.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone

from ratings.choices import (
    AWARD_PRIORITY_MIN_GRADE,
    PURCHASE_PRIORITY_MIN_GRADE,
    SIMPLIFIED_INSPECTION_MIN_GRADE,
    TAX_DEDUCTIBLE_MIN_GRADE,
    TRANSFERRED_FUNCTION_PRIORITY_MIN_GRADE,
)
from ratings.models import Evaluation
from registry.choices import OrgType

# Annotation names on organization querysets; the API fields carry the same names.
CURRENT_GRADE = "current_grade"
GRADE_VALID_UNTIL = "grade_valid_until"


def _in_force(day: datetime.date) -> Q:
    return Q(valid_until__gte=day) & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))


def newest_evaluation_on(day: datetime.date, organization: str = "pk") -> QuerySet:
    """The newest rating of the outer query's organization (`OuterRef(organization)`) concluded by `day`."""
    return Evaluation.objects.filter(organization=OuterRef(organization), concluded_on__lte=day).order_by(
        "-concluded_on", "-id"
    )


def with_current_grade(queryset: QuerySet, on: datetime.date | None = None, organization: str = "pk") -> QuerySet:
    """Annotate `current_grade` (1..5 or None) and `grade_valid_until` on `on` (default today).

    `queryset` is of organizations, or of anything with a path to one (`organization`, e.g.
    "provider" for procurement projects). Idempotent: a queryset already annotated is returned as is,
    so filter sets can call it whether or not the view did.
    """
    if CURRENT_GRADE in queryset.query.annotations:
        return queryset
    day = on or timezone.localdate()
    newest = newest_evaluation_on(day, organization).annotate(
        effective_grade=Case(When(_in_force(day), then=F("grade")), default=None),
        effective_until=Case(When(_in_force(day), then=F("valid_until")), default=None),
    )
    return queryset.annotate(
        **{
            CURRENT_GRADE: Subquery(
                newest.values("effective_grade")[:1], output_field=models.PositiveSmallIntegerField()
            ),
            GRADE_VALID_UNTIL: Subquery(newest.values("effective_until")[:1], output_field=models.DateField()),
        }
    )


def current_evaluation(organization, on: datetime.date | None = None) -> Evaluation | None:
    """The rating that gives `organization` its grade on `on` (default today), or None."""
    day = on or timezone.localdate()
    newest = Evaluation.objects.filter(organization=organization, concluded_on__lte=day).order_by(
        "-concluded_on", "-id"
    )
    evaluation = newest.first()
    if evaluation is None or evaluation.valid_until < day:
        return None
    if evaluation.revoked_on is not None and evaluation.revoked_on <= day:
        return None
    return evaluation


def grade_on(organization, on: datetime.date | None = None) -> int | None:
    """The grade of `organization` on `on` (default today): 1..5, or None when it has none."""
    evaluation = current_evaluation(organization, on)
    return evaluation.grade if evaluation is not None else None


def may_hold_tax_deductible_status(organization, on: datetime.date | None = None) -> bool:
    """A foundation, or an organization recognised as a charitable organization (慈善组织) by `on`.

    Only these can hold tax-deductible donation status (公益性捐赠税前扣除资格); the grade is the
    other, separate condition (`entitlements`).
    """
    if organization.org_type == OrgType.FOUNDATION:
        return True
    # The day only when it matters: most organizations are not recognised (timezone.localdate costs more
    # than the rest; five times a row in a list page, bench/README.md).
    recognised_on = organization.charity_recognized_on
    return recognised_on is not None and recognised_on <= (on or timezone.localdate())


def entitlements(grade: int | None, *, charitable: bool = False) -> dict[str, bool]:
    """The rights a grade gives (DESIGN §2), as the organizations API shows them.

    `charitable`: the organization is of a kind that can hold tax-deductible donation status
    (`may_hold_tax_deductible_status`); 3A and above is necessary for it, never enough alone.
    """
    grade = grade or 0
    return {
        "purchase_priority": grade >= PURCHASE_PRIORITY_MIN_GRADE,
        "transferred_function_priority": grade >= TRANSFERRED_FUNCTION_PRIORITY_MIN_GRADE,
        "award_priority": grade >= AWARD_PRIORITY_MIN_GRADE,
        "tax_deductible_eligible": charitable and grade >= TAX_DEDUCTIBLE_MIN_GRADE,
        "simplified_inspection": grade >= SIMPLIFIED_INSPECTION_MIN_GRADE,
    }


def grade_distribution(organizations: QuerySet, on: datetime.date | None = None) -> dict[int, int]:
    """How many of `organizations` hold each grade on `on` (default today), in one query: {5: 257, 4: 334, ...}.

    Organizations without a grade are not counted. Which organizations count on a date (registered,
    not yet deregistered) is the caller's filter: the statistics decide that.
    """
    rows = (
        with_current_grade(organizations.order_by(), on)
        .filter(**{f"{CURRENT_GRADE}__isnull": False})
        .values(CURRENT_GRADE)
        .annotate(organizations=Count("pk"))
    )
    return {row[CURRENT_GRADE]: row["organizations"] for row in rows}
