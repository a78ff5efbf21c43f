"""Roles and jurisdiction (DESIGN §5), decided in one place.

`principal_of(user)` says what a user may do; `check_write` is called by `HistoryModel.save` and
`delete` inside the write's transaction, with the record as it was and as it will be, so a district
system can neither touch another district's record nor move its own record out of (or into) its
district, whichever door the write comes through. A township filing desk (DESIGN §9) reads as the
district of its township does and writes only records whose `jurisdiction_township()` is its township
(filings): every other record, and every link to one, is outside its jurisdiction.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.choices import Role
from core.roles import roles_of_groups


class WriteForbidden(PermissionDenied):
    """A write the acting user's role or jurisdiction does not allow (403 in the API)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# The roles that read every record (DESIGN §5); district systems read through their API only.
HISTORY_READERS = frozenset({Role.CLERK, Role.AUDITOR})


@dataclasses.dataclass(frozen=True)
class Principal:
    role: str | None
    district: str | None = None
    read_only: bool = False
    # A township filing desk's township; its `district` is that township's district (for reading).
    township: str | None = None

    @property
    def can_write(self) -> bool:
        if self.read_only:
            return False
        # A district system not bound to a district writes nothing (it would otherwise match city records).
        if self.role == Role.TOWNSHIP:
            return bool(self.township)
        return self.role == Role.CLERK or (self.role == Role.DISTRICT and bool(self.district))

    @property
    def reads_as_district(self) -> bool:
        """District systems and township desks read the registry alike, their own district's personal data whole."""
        return self.role in (Role.DISTRICT, Role.TOWNSHIP) and bool(self.district)

    @property
    def reads_history(self) -> bool:
        """Clerks and auditors read everything: the change history, the export log, the admin, the dashboard."""
        return self.role in HISTORY_READERS

    @property
    def sees_all_personal_data(self) -> bool:
        """Clerks and auditors see every record's personal data in full."""
        return self.reads_history

    def sees_id_numbers_of(self, district_code: str | None) -> bool:
        """Identity card numbers are whole for clerks and the district holding the record only: masked
        for auditors and township desks too (DESIGN §9)."""
        if self.role == Role.CLERK:
            return True
        return self.role == Role.DISTRICT and district_code is not None and district_code == self.district

    def sees_personal_data_of(self, district_code: str | None) -> bool:
        """Clerks, auditors and the district holding a record see its personal data in full."""
        if self.sees_all_personal_data:
            return True
        return self.reads_as_district and district_code is not None and district_code == self.district


ANONYMOUS = Principal(role=None, read_only=True)


def principal_of(user) -> Principal:
    """The role, district and read-only flag of a user, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_registry_principal", None)
    if cached is not None:
        return cached
    read_only = bool(getattr(user, "_registry_token_read_only", False))
    if user.is_superuser:
        principal = Principal(Role.CLERK, read_only=read_only)
    else:
        # The roles read with the token (core.auth), else from the user's groups.
        groups = getattr(user, "_registry_roles", None)
        if groups is None:
            groups = roles_of_groups(user.groups.values_list("name", flat=True))
        if Role.CLERK in groups:
            principal = Principal(Role.CLERK, read_only=read_only)
        elif Role.DISTRICT in groups:
            profile = getattr(user, "access_profile", None)
            district = profile.district_code if profile is not None else None
            principal = Principal(Role.DISTRICT, district=district or None, read_only=read_only)
        elif Role.TOWNSHIP in groups:
            profile = getattr(user, "access_profile", None)
            township = (profile.township_code if profile is not None else None) or None
            # A township's 9-digit code begins with its district's (registry.models.divisions.placement_problems).
            principal = Principal(
                Role.TOWNSHIP, district=township[:6] if township else None, township=township, read_only=read_only
            )
        elif Role.AUDITOR in groups:
            principal = Principal(Role.AUDITOR, read_only=True)
        else:
            principal = Principal(role=None, read_only=True)
    user._registry_principal = principal
    return principal


def jurisdiction_of(instance) -> str | None:
    """The district code a record belongs to, or None for city-level records (clerks only)."""
    if instance is None:
        return None
    method = getattr(instance, "jurisdiction_district", None)
    return method() if method is not None else None


def is_restricted_writer(actor) -> bool:
    """Whether a write by this actor is checked against the stored record (everyone but a writing clerk)."""
    if actor is None:
        return False
    principal = principal_of(actor)
    return not (principal.role == Role.CLERK and not principal.read_only)


def check_write(actor, *, before, after, owner_known: bool = True) -> None:
    """Refuse a write that the actor's role or jurisdiction does not allow.

    `before` is the stored record (None on create), `after` the record to be stored (None on delete).
    Writes without an actor are the system's own (migrations, fixtures, seed data) and pass.
    `owner_known=False`: `after` is a draft made from a request body before validation that may not
    name its owner yet; only an owner that is another district's refuses it then.

    Callers: `HistoryModel.save`, `HistoryQuerySet.update` and `bulk_create` (core.models), the delete
    signal (core.signals), the API's early check before a body is validated
    (`RegistryViewSet.check_jurisdiction`, core.api.views), bulk sync (core.bulk), and services that
    check a write before making it (ratings, platforms, procurement's many-to-many signal).
    """
    if actor is None:
        return
    principal = principal_of(actor)
    if principal.role == Role.CLERK and not principal.read_only:
        return
    if not principal.can_write:
        raise WriteForbidden(_("This account may read the registry but not change it."))
    if after is not None:
        check_clerk_only_fields(before=before, after=after)
    if principal.role == Role.TOWNSHIP:
        check_township_write(principal, before=before, after=after, owner_known=owner_known)
        return
    if before is not None and jurisdiction_of(before) != principal.district:
        raise WriteForbidden(
            _("This record belongs to %(owner)s, outside this client's district %(district)s.")
            % {"owner": jurisdiction_of(before) or _("the city bureau"), "district": principal.district}
        )
    if after is not None:
        check_links(principal, before=before, after=after)
    if after is not None and jurisdiction_of(after) != principal.district:
        if not owner_known and jurisdiction_of(after) is None:
            return
        raise WriteForbidden(
            _("The change would put the record under %(owner)s, outside this client's district %(district)s.")
            % {"owner": jurisdiction_of(after) or _("the city bureau"), "district": principal.district}
        )


def check_clerk_only_fields(*, before, after) -> None:
    """A field a model names in `clerk_only_fields` (whether a record is public, DESIGN §11) keeps its
    stored value, or its default on create, in a write by anyone but a writing clerk."""
    for name in getattr(type(after), "clerk_only_fields", ()):
        field = after._meta.get_field(name)
        if before is not None:
            old = getattr(before, field.attname)
        elif after._state.adding:
            old = field.get_default()
        else:
            old = getattr(after, "_history_loaded", {}).get(field.attname, getattr(after, field.attname))
        if getattr(after, field.attname) != old:
            raise WriteForbidden(
                _("Only a clerk of the bureau may change %(field)s.") % {"field": field.verbose_name}, field=name
            )


def township_of(instance) -> str | None:
    """The township code a record belongs to (filings), or None for records kept above the townships."""
    method = getattr(instance, "jurisdiction_township", None) if instance is not None else None
    return method() if method is not None else None


def check_township_write(principal: Principal, *, before, after, owner_known: bool = True) -> None:
    """A township desk writes the records of its township only (filings), and links none of them to a
    record of any other jurisdiction (an organization is the district's or the city's, never a township's)."""
    for record, stored in ((before, True), (after, False)):
        if record is None:
            continue
        owner = township_of(record)
        if not stored and not owner_known and owner is None and hasattr(record, "jurisdiction_township"):
            continue  # a draft that does not name its township yet: validation will
        if owner != principal.township:
            raise WriteForbidden(
                _("This record belongs to %(owner)s, outside this filing desk's township %(township)s.")
                % {"owner": owner or jurisdiction_of(record) or _("the city bureau"), "township": principal.township}
            )
    if after is None:
        return
    for field, old, new in changed_links(after, before=before):
        for key in (old, new):
            if key is None:
                continue
            if key == new:
                target = getattr(after, field.name)
            else:
                target = field.related_model._base_manager.filter(pk=key).first()
            if target is not None and township_of(target) != principal.township:
                raise WriteForbidden(
                    _(
                        "The linked record %(record)s is not a record of this filing desk's township %(township)s; "
                        "only the district or the city bureau makes or undoes this link."
                    )
                    % {"record": target, "township": principal.township},
                    field=field.name,
                )


def _stored_link(field, before, after):
    """The key a link had before the write: on the stored record, else as `after` was read."""
    if before is not None:
        return getattr(before, field.attname)
    if after._state.adding:
        return None
    return getattr(after, "_history_loaded", {}).get(field.attname)


def changed_links(after, *, before=None, names=None) -> list[tuple]:
    """(field, old key, new key) of each link of `after` named in `names` (default: the model's
    `guarded_links`) whose target the write changes."""
    found = []
    for name in getattr(type(after), "guarded_links", ()) if names is None else names:
        field = after._meta.get_field(name)
        old, new = _stored_link(field, before, after), getattr(after, field.attname)
        if old != new:
            found.append((field, old, new))
    return found


def check_links(principal: Principal, *, before, after) -> None:
    """A guarded link changes both the record it leaves and the record it reaches: both must be
    within the writer's district."""
    for field, old, new in changed_links(after, before=before):
        for key in (old, new):
            if key is None:
                continue
            if key == new:
                target = getattr(after, field.name)
            else:
                target = field.related_model._base_manager.filter(pk=key).first()
            owner = jurisdiction_of(target)
            if target is not None and owner != principal.district:
                raise WriteForbidden(
                    _(
                        "The linked record %(record)s belongs to %(owner)s, outside this client's district "
                        "%(district)s; only the city bureau makes or undoes this link."
                    )
                    % {
                        "record": target,
                        "owner": owner or _("the city bureau"),
                        "district": principal.district,
                    },
                    field=field.name,
                )


def check_reinstate(actor) -> None:
    """Undoing a status (a deregistration, cancellation, revocation, withdrawal, closure...) recorded in
    error is for the bureau's clerks only (DESIGN §3, §4), in every app. Called by the one action path
    of the API (`RegistryViewSet.run_status_action`, before the body is read) and by every
    `*_reinstate` service, so the rule holds whichever door the call comes through. Writes without an
    actor are the system's own and pass."""
    if actor is None:
        return
    principal = principal_of(actor)
    if principal.role != Role.CLERK or not principal.can_write:
        raise WriteForbidden(_("Only a clerk of the bureau may undo a status change (reinstate)."))
