"""What the public may read (DESIGN §11), in one place for the pages, the verification API and open data.

The rule: only records marked `public`, and of them only the facts named here — never a phone, an ID
number, a contact person, an address, an internal note or the change history
(docs/decisions/0320-public-register-privacy.md). Every public reader goes through these functions, so
a record withheld from one face is withheld from all.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.search import ORGANIZATION_NAME_GRAMS, contains_text
from ratings.choices import Grade
from ratings.models import Evaluation, Honour
from ratings.selectors import current_evaluation, with_current_grade
from registry.choices import CreditList, DivisionLevel, OrgStatus
from registry.models import AnnualReport, CommunityOrganization, CreditListEntry, Division, Organization
from registry.models.credit import in_force_on
from registry.validators import normalise_uscc

# A name fragment shorter than this finds too much to be a question (and is no index's friend).
MIN_QUERY_LENGTH = 2
USCC_LENGTH = 18


def public_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(public=True)


def public_filings() -> QuerySet[CommunityOrganization]:
    return CommunityOrganization.objects.filter(public=True)


class QueryTooShort(ValueError):
    """A search term of fewer than MIN_QUERY_LENGTH characters."""


def search_organizations(query: str, on: datetime.date | None = None) -> QuerySet[Organization]:
    """Public organizations whose name contains `query`, or whose credit code is `query` (18 characters),
    with their current grade; raises QueryTooShort for a term under MIN_QUERY_LENGTH characters."""
    # NUL, which PostgreSQL refuses in a text (a 500), and other control characters are no part of a name.
    term = " ".join("".join(ch for ch in query if ch.isprintable()).split())
    if len(term) < MIN_QUERY_LENGTH:
        raise QueryTooShort(term)
    organizations = public_organizations().select_related("registered_by")
    code = normalise_uscc(term)
    if len(code) == USCC_LENGTH and code.isalnum() and code.isascii():
        condition = Q(uscc=code) | contains_text(
            "name", term, short_gram_index=ORGANIZATION_NAME_GRAMS, caseless_index=True
        )
    else:
        condition = contains_text("name", term, short_gram_index=ORGANIZATION_NAME_GRAMS, caseless_index=True)
    # In registration order (id), as the API lists: a page of a common term is read from the key's index
    # until it is full, where sorting by name would sort every match first (bench/README.md).
    return with_current_grade(organizations.filter(condition), on).order_by("id")


def grade_label(grade: int | None) -> str:
    return Grade(grade).label if grade else ""


def organization_by_code(uscc: str) -> Organization | None:
    """The public organization with this credit code, or None (unknown or not public alike)."""
    code = normalise_uscc(uscc)
    if len(code) != USCC_LENGTH or not (code.isascii() and code.isalnum()):
        return None
    return public_organizations().select_related("registered_by", "domicile").filter(uscc=code).first()


def registration_events(organization: Organization) -> list[dict]:
    """The registration and, when it ended, its deregistration or revocation, with their dates."""
    events = [{"date": organization.registered_on, "event": "registered", "label": "成立登记"}]
    if organization.status != OrgStatus.ACTIVE and organization.status_date:
        events.append(
            {"date": organization.status_date, "event": organization.status, "label": organization.get_status_display()}
        )
    return events


def organization_facts(organization: Organization, on: datetime.date | None = None) -> dict:
    """The facts of §11 about one public organization: what its page shows and the API answers."""
    day = on or timezone.localdate()
    evaluation = current_evaluation(organization, day)
    honours = Honour.objects.filter(organization=organization).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
    )
    listings = CreditListEntry.objects.filter(in_force_on(day), organization=organization).order_by("listed_on", "id")
    reports = AnnualReport.objects.filter(organization=organization).exclude(result="").order_by("-year")
    domicile = organization.domicile
    return {
        "uscc": organization.uscc,
        "name": organization.name,
        "org_type": organization.org_type,
        "org_type_label": organization.get_org_type_display(),
        "registered_by": {"code": organization.registered_by_id, "name": organization.registered_by.name},
        "domicile": {"code": domicile.code, "name": domicile.name} if domicile else None,
        "registered_on": organization.registered_on,
        "status": organization.status,
        "status_label": organization.get_status_display(),
        "status_date": organization.status_date,
        "legal_representative": organization.legal_representative,
        "business_scope": organization.business_scope,
        "supervising_unit": organization.supervising_unit,
        "grade": evaluation.grade if evaluation else None,
        "grade_label": grade_label(evaluation.grade if evaluation else None),
        "grade_valid_from": evaluation.concluded_on if evaluation else None,
        "grade_valid_until": evaluation.valid_until if evaluation else None,
        "certificate": evaluation.pk if evaluation else None,
        "honours": [
            {"year": honour.year, "kind": honour.kind, "label": honour.get_kind_display(), "title": honour.title}
            for honour in honours.order_by("-year", "id")
        ],
        "credit_lists": [
            {
                "list_kind": entry.list_kind,
                "label": entry.get_list_kind_display(),
                "listed_on": entry.listed_on,
                "ground": entry.reason,
            }
            for entry in listings
        ],
        "annual_reports": [
            {"year": row.year, "result": row.result, "label": row.get_result_display()} for row in reports
        ],
        "registration_events": registration_events(organization),
    }


def credit_list_entries(kind: str, on: datetime.date | None = None) -> QuerySet[CreditListEntry]:
    """The entries of one list in force on the day, of public organizations, newest first."""
    if kind not in CreditList.values:
        raise ValueError(kind)
    return (
        CreditListEntry.objects.filter(
            in_force_on(on or timezone.localdate()), list_kind=kind, organization__public=True
        )
        .select_related("organization")
        .order_by("-listed_on", "-id")
    )


def townships() -> QuerySet[Division]:
    """The townships and streets in force, by district, for the filings pages."""
    return (
        Division.objects.filter(level=DivisionLevel.TOWNSHIP, successor__isnull=True)
        .select_related("parent")
        .order_by("parent_id", "code")
    )


def township_filings(township: Division) -> QuerySet[CommunityOrganization]:
    return public_filings().filter(township=township).select_related("community").order_by("-filed_on", "-id")


def certificate(evaluation_id: int, on: datetime.date | None = None) -> Evaluation | None:
    """The rating a certificate's QR code names, with its status on the day, if its organization is public."""
    return (
        Evaluation.objects.with_status(on)
        .select_related("organization")
        .filter(pk=evaluation_id, organization__public=True)
        .first()
    )
