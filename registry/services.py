"""Operations on the register that are more than saving one row. The API and the admin call these."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.context import change_context
from registry.choices import OrgStatus
from registry.models import Organization


def _check_status_date(*, on: datetime.date, since: datetime.date, since_label: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({"date": [_("The date may not lie in the future.")]})
    if on < since:
        raise ValidationError({"date": [_("The date may not precede the %(label)s (%(since)s).") % {
            "label": since_label, "since": since.isoformat()}]})


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("A reason is required.")]})
    return reason


def _organization_end(*, organization: Organization, status: str, on: datetime.date, reason: str, actor) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    reason = _require_reason(reason)
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError(
            {"status": [_("The organization is already %(status)s.") % {"status": organization.get_status_display()}]}
        )
    _check_status_date(on=on, since=organization.registered_on, since_label=_("registration date"))
    organization.status = status
    organization.status_date = on
    organization.status_reason = reason
    with change_context(actor=actor, message=reason):
        organization.full_clean()
        organization.save()
    return organization


@transaction.atomic
def organization_deregister(*, organization: Organization, on: datetime.date, reason: str, actor) -> Organization:
    """注销登记: the organization ends on `on`, at its own request or by dissolution."""
    return _organization_end(organization=organization, status=OrgStatus.DEREGISTERED, on=on, reason=reason, actor=actor)


@transaction.atomic
def organization_revoke(*, organization: Organization, on: datetime.date, reason: str, actor) -> Organization:
    """撤销登记: the registration is revoked on `on` as a penalty."""
    return _organization_end(organization=organization, status=OrgStatus.REVOKED, on=on, reason=reason, actor=actor)


@transaction.atomic
def organization_reinstate(*, organization: Organization, reason: str, actor) -> Organization:
    """Undo a deregistration or revocation recorded in error or overturned on review (clerks only)."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    reason = _require_reason(reason)
    if organization.status == OrgStatus.ACTIVE:
        raise ValidationError({"status": [_("The organization is active; there is nothing to reinstate.")]})
    organization.status = OrgStatus.ACTIVE
    organization.status_date = None
    organization.status_reason = ""
    with change_context(actor=actor, message=reason):
        organization.full_clean()
        organization.save()
    return organization
