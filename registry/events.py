"""Registration events and the legal representative, derived from the change history (DESIGN §9).

Every change of every door (admin, API, bulk sync, import, services, queryset updates) is written to the
change history by `core.models.HistoryModel` and announced by `core.models.history.history_recorded`, inside the
write's transaction. Here, from that one signal:

- an organization created is `established` (on its registration date); a change of a registered fact
  (REGISTERED_FACTS) is `changed`, with the facts before and after; a status change is `deregistered`,
  `revoked` or `reinstated`. The date and the approval number come from `registration_details()` when
  the caller gives them (a clerk's change form, a service), else the day of the change.
- the organization's `legal_representative` and its current `legal_representative` person are kept
  the same: a person saved updates the organization, a name written on the organization (older district
  systems, imports) ends the current person and starts a new one. docs/decisions/0242-people-and-events.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Iterator
from contextvars import ContextVar

from django.dispatch import receiver
from django.utils import timezone

from core.choices import ChangeAction
from core.models.history import history_recorded
from registry.choices import OrgStatus, PersonRole, RegistrationEventKind
from registry.models import Organization, OrganizationPerson, RegistrationEvent
from registry.models.events import REGISTERED_FACTS


@dataclasses.dataclass(frozen=True)
class RegistrationDetails:
    on: datetime.date | None = None
    approval_number: str = ""


_details: ContextVar[RegistrationDetails] = ContextVar("registration_details", default=RegistrationDetails())  # noqa: B039
# Set while the organization's name is being brought in line with its people (and back): no echo.
_syncing: ContextVar[bool] = ContextVar("legal_representative_sync", default=False)


@contextlib.contextmanager
def registration_details(*, on: datetime.date | None = None, approval_number: str = "") -> Iterator[None]:
    """Run a change with the date and approval number (核准文号) its registration event should carry."""
    token = _details.set(RegistrationDetails(on=on, approval_number=(approval_number or "").strip()))
    try:
        yield
    finally:
        _details.reset(token)


@contextlib.contextmanager
def _sync() -> Iterator[None]:
    token = _syncing.set(True)
    try:
        yield
    finally:
        _syncing.reset(token)


STATUS_EVENTS = {
    OrgStatus.DEREGISTERED: RegistrationEventKind.DEREGISTERED,
    OrgStatus.REVOKED: RegistrationEventKind.REVOKED,
}


def events_of(organization: Organization, action: str, changes: dict, *, message: str = "") -> list[RegistrationEvent]:
    """The registration events one recorded change of an organization makes (none for other changes)."""
    details = _details.get()
    today = timezone.localdate()
    base = {"organization": organization, "approval_number": details.approval_number, "is_demo": organization.is_demo}
    if action == ChangeAction.CREATE:
        facts = {name: changes[name][1] for name in REGISTERED_FACTS if name in changes}
        events = [
            RegistrationEvent(
                kind=RegistrationEventKind.ESTABLISHED, date=organization.registered_on, after=facts, **base
            )
        ]
        if organization.status in STATUS_EVENTS and organization.status_date:
            events.append(
                RegistrationEvent(
                    kind=STATUS_EVENTS[organization.status],
                    date=organization.status_date,
                    reason=organization.status_reason,
                    **{**base, "approval_number": ""},
                )
            )
        return events
    if action != ChangeAction.UPDATE:
        return []
    events = []
    facts = {name: changes[name] for name in REGISTERED_FACTS if name in changes}
    if facts:
        events.append(
            RegistrationEvent(
                kind=RegistrationEventKind.CHANGED,
                date=details.on or today,
                before={name: old for name, (old, _new) in facts.items()},
                after={name: new for name, (_old, new) in facts.items()},
                reason=message,
                **base,
            )
        )
    if "status" in changes:
        old, new = changes["status"]
        if new in STATUS_EVENTS:
            events.append(
                RegistrationEvent(
                    kind=STATUS_EVENTS[new],
                    date=organization.status_date or details.on or today,
                    reason=organization.status_reason,
                    before={"status": old},
                    after={"status": new},
                    **base,
                )
            )
        elif new == OrgStatus.ACTIVE and old in STATUS_EVENTS:
            events.append(
                RegistrationEvent(
                    kind=RegistrationEventKind.REINSTATED,
                    date=details.on or today,
                    reason=message,
                    before={"status": old},
                    after={"status": new},
                    **base,
                )
            )
    return events


def current_legal_representative(organization_id: int, day: datetime.date | None = None):
    """The organization's legal representative on `day` (today): the newest one begun by then and not ended."""
    day = day or timezone.localdate()
    people = OrganizationPerson.objects.filter(
        organization_id=organization_id, role=PersonRole.LEGAL_REPRESENTATIVE, started_on__lte=day
    ).exclude(ended_on__lt=day)
    return people.order_by("-started_on", "-id").first()


def _name_written_on_organization(organization: Organization, action: str, changes: dict) -> None:
    """A legal representative's name written on the organization itself becomes its current person."""
    if "legal_representative" not in changes or action not in (ChangeAction.CREATE, ChangeAction.UPDATE):
        return
    name = (organization.legal_representative or "").strip()
    if action == ChangeAction.CREATE and not name:
        return  # a new organization without a name given has no person to start (and none to end)
    current = current_legal_representative(organization.pk)
    if current is not None and current.name == name:
        return
    day = _details.get().on or (organization.registered_on if action == ChangeAction.CREATE else timezone.localdate())
    with _sync():
        if current is not None:
            current.ended_on = max(current.started_on, day - datetime.timedelta(days=1))
            current.save()
        if name:
            person = OrganizationPerson(
                organization=organization,
                role=PersonRole.LEGAL_REPRESENTATIVE,
                name=name,
                started_on=min(day, timezone.localdate()),
            )
            person.is_demo = organization.is_demo
            person.save()


def sync_legal_representative(organization_id: int) -> None:
    """Bring the organization's `legal_representative` in line with its current legal representative."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    current = current_legal_representative(organization_id)
    name = current.name if current is not None else organization.legal_representative
    if organization.legal_representative != name:
        with _sync():
            organization.legal_representative = name
            organization.save(update_fields=["legal_representative", "last_updated"])


@receiver(history_recorded)
def derive_registration_records(sender, entries, context, actor, **kwargs):
    events = []
    people_of = set()
    for instance, action, changes in entries:
        if isinstance(instance, Organization):
            events += events_of(instance, action, changes, message=context.message)
            if not _syncing.get():
                _name_written_on_organization(instance, action, changes)
        elif isinstance(instance, OrganizationPerson) and not _syncing.get():
            touches = {"role", "name", "started_on", "ended_on", "organization"} & set(changes)
            if touches and (instance.role == PersonRole.LEGAL_REPRESENTATIVE or "role" in changes):
                people_of.add(instance.organization_id)
    if events:
        RegistrationEvent.objects.bulk_create(events)
    for organization_id in sorted(people_of):
        sync_legal_representative(organization_id)
