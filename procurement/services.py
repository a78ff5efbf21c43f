"""Operations on purchased-service projects and service demands that are more than saving one row.
The API and the admin both call these, so a rule holds whichever door a change comes through."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.access import check_reinstate
from core.services import check_status_date, instance_save, require_reason
from procurement.choices import DemandStatus, ProjectStatus
from procurement.models import DemandResponse, PurchasedServiceProject, ServiceDemand
from procurement.rules import organization_active_on
from ratings.choices import PURCHASE_PRIORITY_MIN_GRADE
from ratings.selectors import grade_on
from registry.models import Organization


def require_3a_in(year: int) -> bool:
    """Whether the rules of `year` refuse a provider below 3A (settings.PROCUREMENT_REQUIRE_3A_FROM_YEAR)."""
    from_year = getattr(settings, "PROCUREMENT_REQUIRE_3A_FROM_YEAR", None)
    return from_year is not None and year >= int(from_year)


def _locked_project(project: PurchasedServiceProject) -> PurchasedServiceProject:
    return PurchasedServiceProject.objects.select_for_update().get(pk=project.pk)


def _status_refusal(project: PurchasedServiceProject, expected: str) -> ValidationError:
    return ValidationError(
        {
            "status": [
                _("This project is %(status)s; %(expected)s")
                % {"status": project.get_status_display(), "expected": expected}
            ]
        }
    )


def _grade_label(grade: int | None) -> str:
    return _("no current evaluation grade") if grade is None else _("a grade of %(grade)dA") % {"grade": grade}


@transaction.atomic
def project_award(
    *,
    project: PurchasedServiceProject,
    provider: Organization,
    on: datetime.date,
    actor,
    amount: Decimal | None = None,
    reason: str = "",
) -> PurchasedServiceProject:
    """确定承接主体: award an open project to `provider` on `on`, recording the provider's grade on that date.

    The provider must be active on the award date. A provider below 3A (or without a current grade)
    is flagged, and refused in the years whose rules demand 3A (`require_3a_in`). When the project
    came from a demand, it goes to the organization whose response was accepted.
    """
    project = _locked_project(project)
    if project.status != ProjectStatus.OPEN:
        raise _status_refusal(project, _("only a project open for bids can be awarded."))
    check_status_date(on=on, since=project.announced_on, since_label=_("announcement date"))
    provider = Organization.objects.get(pk=provider.pk)
    if not organization_active_on(provider, on):
        raise ValidationError(
            {
                "provider": [
                    _("%(provider)s was not an active registered organization on the award date %(date)s.")
                    % {"provider": provider, "date": on.isoformat()}
                ]
            }
        )
    response = DemandResponse.objects.filter(project=project).select_related("organization").first()
    if response is not None and response.organization_id != provider.pk:
        raise ValidationError(
            {
                "provider": [
                    _("The project came from a demand taken by %(organization)s; award it to that organization.")
                    % {"organization": response.organization}
                ]
            }
        )
    grade = grade_on(provider, on)
    below_priority = grade is None or grade < PURCHASE_PRIORITY_MIN_GRADE
    if below_priority and require_3a_in(project.year):
        raise ValidationError(
            {
                "provider": [
                    _(
                        "%(provider)s has %(grade)s on %(date)s; projects of %(year)d require a provider rated 3A or "
                        "above (setting PROCUREMENT_REQUIRE_3A_FROM_YEAR)."
                    )
                    % {"provider": provider, "grade": _grade_label(grade), "date": on.isoformat(), "year": project.year}
                ]
            }
        )
    project.provider = provider
    project.awarded_on = on
    project.grade_at_award = grade
    project.below_priority_flag = below_priority
    project.status = ProjectStatus.AWARDED
    if amount is not None:
        project.amount = amount
    return instance_save(instance=project, actor=actor, message=reason)


@transaction.atomic
def project_deliver(
    *, project: PurchasedServiceProject, on: datetime.date, actor, reason: str = ""
) -> PurchasedServiceProject:
    """完成: the provider delivered the awarded project (accepted on `on`)."""
    project = _locked_project(project)
    if project.status != ProjectStatus.AWARDED:
        raise _status_refusal(project, _("only an awarded project can be delivered."))
    check_status_date(on=on, since=project.awarded_on, since_label=_("award date"))
    project.delivered_on = on
    project.status = ProjectStatus.DELIVERED
    return instance_save(instance=project, actor=actor, message=(reason or "").strip())


@transaction.atomic
def project_cancel(
    *, project: PurchasedServiceProject, on: datetime.date, reason: str, actor
) -> PurchasedServiceProject:
    """取消: an open or awarded project is cancelled on `on`, for a reason. It stays on record."""
    project = _locked_project(project)
    reason = require_reason(reason)
    if project.status not in {ProjectStatus.OPEN, ProjectStatus.AWARDED}:
        raise _status_refusal(project, _("only a project open for bids or awarded can be cancelled."))
    since, label = (
        (project.awarded_on, _("award date")) if project.awarded_on else (project.announced_on, _("announcement date"))
    )
    check_status_date(on=on, since=since, since_label=label)
    project.cancelled_on = on
    project.cancellation_reason = reason
    project.status = ProjectStatus.CANCELLED
    return instance_save(instance=project, actor=actor, message=reason)


@transaction.atomic
def project_reinstate(*, project: PurchasedServiceProject, reason: str, actor) -> PurchasedServiceProject:
    """Undo the latest status change of a project, recorded in error or overturned on review (clerks
    only): a cancellation goes back to awarded or open, a delivery back to awarded, an award back
    to open (provider, grade and flag cleared). The history keeps every version."""
    check_reinstate(actor)
    project = _locked_project(project)
    reason = require_reason(reason)
    if project.status == ProjectStatus.CANCELLED:
        project.status = ProjectStatus.AWARDED if project.awarded_on else ProjectStatus.OPEN
        project.cancelled_on = None
        project.cancellation_reason = ""
    elif project.status == ProjectStatus.DELIVERED:
        project.status = ProjectStatus.AWARDED
        project.delivered_on = None
    elif project.status == ProjectStatus.AWARDED:
        project.status = ProjectStatus.OPEN
        project.provider = None
        project.awarded_on = None
        project.grade_at_award = None
        project.below_priority_flag = False
    else:
        raise _status_refusal(project, _("there is no status change to undo."))
    return instance_save(instance=project, actor=actor, message=reason)


@transaction.atomic
def demand_response_accept(*, response: DemandResponse, on: datetime.date, actor, reason: str = "") -> DemandResponse:
    """接单 confirmed: the department accepts an organization's response; the demand is then taken."""
    response = DemandResponse.objects.select_for_update().select_related("demand").get(pk=response.pk)
    demand = ServiceDemand.objects.select_for_update().get(pk=response.demand_id)
    if demand.status == DemandStatus.CLOSED:
        raise ValidationError({"demand": [_("The demand is closed; reinstate it before accepting a response.")]})
    if response.accepted:
        raise ValidationError({"accepted": [_("This response is already accepted.")]})
    check_status_date(on=on, since=response.responded_on, since_label=_("response date"))
    response.accepted = True
    response.accepted_on = on
    instance_save(instance=response, actor=actor, message=reason)
    if demand.status != DemandStatus.MATCHED:
        demand.status = DemandStatus.MATCHED
        instance_save(instance=demand, actor=actor, message=reason)
    return response


@transaction.atomic
def demand_close(*, demand: ServiceDemand, on: datetime.date, reason: str, actor) -> ServiceDemand:
    """关闭: the demand takes no more responses (fulfilled, withdrawn or expired)."""
    demand = ServiceDemand.objects.select_for_update().get(pk=demand.pk)
    reason = require_reason(reason)
    if demand.status == DemandStatus.CLOSED:
        raise ValidationError({"status": [_("The demand is already closed.")]})
    check_status_date(on=on, since=demand.published_on, since_label=_("publication date"))
    demand.status = DemandStatus.CLOSED
    demand.closed_on = on
    demand.close_reason = reason
    return instance_save(instance=demand, actor=actor, message=reason)


@transaction.atomic
def demand_reinstate(*, demand: ServiceDemand, reason: str, actor) -> ServiceDemand:
    """Undo a closing recorded in error (clerks only): open again, or taken if a response was accepted."""
    check_reinstate(actor)
    demand = ServiceDemand.objects.select_for_update().get(pk=demand.pk)
    reason = require_reason(reason)
    if demand.status != DemandStatus.CLOSED:
        raise ValidationError({"status": [_("The demand is not closed; there is nothing to reinstate.")]})
    taken = demand.responses.filter(accepted=True).exists()
    demand.status = DemandStatus.MATCHED if taken else DemandStatus.OPEN
    demand.closed_on = None
    demand.close_reason = ""
    return instance_save(instance=demand, actor=actor, message=reason)
