"""Operations on the register that are more than saving one row. The API and the admin call these."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import check_reinstate
from core.choices import ChangeAction
from core.filters import normalise_text
from core.models import ChangeRecord
from core.services import change_by, check_status_date, instance_save, require_reason
from registry.choices import CreditEntrySource, CreditGround, CreditList, FilingStatus, OrgStatus, UrbanRuralClass
from registry.models import CommunityOrganization, CreditListEntry, Division, Organization, PartyOrganization
from registry.models.divisions import level_for_code, placement_problems
from registry.models.party import coverage_problems


def _organization_end(
    *, organization: Organization, status: str, on: datetime.date, reason: str, actor
) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    reason = require_reason(reason)
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError(
            {"status": [_("The organization is already %(status)s.") % {"status": organization.get_status_display()}]}
        )
    check_status_date(on=on, since=organization.registered_on, since_label=_("registration date"))
    organization.status = status
    organization.status_date = on
    organization.status_reason = reason
    return instance_save(instance=organization, actor=actor, message=reason)


@transaction.atomic
def organization_deregister(*, organization: Organization, on: datetime.date, reason: str, actor) -> Organization:
    """注销登记: the organization ends on `on`, at its own request or by dissolution."""
    return _organization_end(
        organization=organization, status=OrgStatus.DEREGISTERED, on=on, reason=reason, actor=actor
    )


@transaction.atomic
def organization_revoke(*, organization: Organization, on: datetime.date, reason: str, actor) -> Organization:
    """撤销登记: the registration is revoked on `on` as a penalty."""
    return _organization_end(organization=organization, status=OrgStatus.REVOKED, on=on, reason=reason, actor=actor)


@transaction.atomic
def organization_reinstate(*, organization: Organization, reason: str, actor) -> Organization:
    """Undo a deregistration or revocation recorded in error or overturned on review (clerks only)."""
    check_reinstate(actor)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    reason = require_reason(reason)
    if organization.status == OrgStatus.ACTIVE:
        raise ValidationError({"status": [_("The organization is active; there is nothing to reinstate.")]})
    organization.status = OrgStatus.ACTIVE
    organization.status_date = None
    organization.status_reason = ""
    return instance_save(instance=organization, actor=actor, message=reason)


# Community organization filings (社区社会组织备案)


@transaction.atomic
def filing_cancel(*, filing: CommunityOrganization, on: datetime.date, reason: str, actor) -> CommunityOrganization:
    """注销备案: the filing ends on `on` (the group dissolved, merged, or registered as a legal person)."""
    filing = CommunityOrganization.objects.select_for_update().get(pk=filing.pk)
    reason = require_reason(reason)
    if filing.status != FilingStatus.FILED:
        raise ValidationError({"status": [_("The filing is already cancelled.")]})
    check_status_date(on=on, since=filing.filed_on, since_label=_("filing date"))
    filing.status = FilingStatus.CANCELLED
    filing.status_date = on
    filing.status_reason = reason
    return instance_save(instance=filing, actor=actor, message=reason)


@transaction.atomic
def filing_reinstate(*, filing: CommunityOrganization, reason: str, actor) -> CommunityOrganization:
    """Undo a cancellation recorded in error or overturned on review (clerks only)."""
    check_reinstate(actor)
    filing = CommunityOrganization.objects.select_for_update().get(pk=filing.pk)
    reason = require_reason(reason)
    if filing.status == FilingStatus.FILED:
        raise ValidationError({"status": [_("The filing is in force; there is nothing to reinstate.")]})
    filing.status = FilingStatus.FILED
    filing.status_date = None
    filing.status_reason = ""
    return instance_save(instance=filing, actor=actor, message=reason)


# Credit lists (活动异常名录、严重违法失信名单)


@transaction.atomic
def credit_entry_list(
    *,
    organization: Organization,
    list_kind: str,
    ground: str,
    on: datetime.date,
    reason: str,
    decision_number: str = "",
    source: str = CreditEntrySource.MANUAL,
    actor,
) -> CreditListEntry:
    """列入名录 on `on` for `ground`. An organization already on that list stays on it with the new ground:
    the clock restarts (`counted_from` moves to `on`, 民政部令第60号 art. 13) and the earlier ground stays
    in the reason and in the history."""
    reason = require_reason(reason)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    entry = (
        CreditListEntry.objects.select_for_update()
        .filter(organization=organization, list_kind=list_kind, removed_on__isnull=True)
        .first()
    )
    if entry is None:
        entry = CreditListEntry(
            organization=organization,
            list_kind=list_kind,
            ground=ground,
            listed_on=on,
            counted_from=on,
            reason=reason,
            decision_number=decision_number,
            source=source,
        )
    else:
        if on < (entry.counted_from or entry.listed_on):
            raise ValidationError({"date": [_("The organization's clock on this list already runs from a later day.")]})
        earlier = CreditGround(entry.ground).label if entry.ground else entry.reason
        entry.reason = f"{entry.reason}\n{on.isoformat()} {CreditGround(ground).label}: {reason}"
        entry.ground = ground
        entry.counted_from = on
        entry.decision_number = decision_number or entry.decision_number
        reason = _("New ground while listed (earlier: %(earlier)s): %(reason)s") % {
            "earlier": earlier,
            "reason": reason,
        }
    return instance_save(instance=entry, actor=actor, message=reason)


@transaction.atomic
def credit_entry_transfer(
    *, entry: CreditListEntry, on: datetime.date, decision_number: str, reason: str, actor
) -> CreditListEntry:
    """转入严重违法失信名单 (民政部令第60号 art. 14(1)): the abnormal-activity listing ends on `on` and the
    serious-violation one begins the same day, ground `abnormal_two_years`; the abnormal entry points
    to the serious one (`transferred_to`). Answers the new serious entry."""
    entry = CreditListEntry.objects.select_for_update().get(pk=entry.pk)
    reason = require_reason(reason)
    if entry.list_kind != CreditList.ABNORMAL or entry.removed_on is not None:
        raise ValidationError({"entry": [_("Only a current abnormal-activity listing is transferred.")]})
    credit_entry_remove(entry=entry, on=on, reason=reason, decision_number=decision_number, actor=actor)
    serious = credit_entry_list(
        organization=entry.organization,
        list_kind=CreditList.SERIOUS,
        ground=CreditGround.ABNORMAL_TWO_YEARS,
        on=on,
        reason=reason,
        decision_number=decision_number,
        source=entry.source,
        actor=actor,
    )
    entry.refresh_from_db()
    entry.transferred_to = serious
    with change_by(actor=actor, message=reason):
        entry.save()
    return serious


@transaction.atomic
def credit_entry_remove(
    *, entry: CreditListEntry, on: datetime.date, reason: str, actor, decision_number: str = ""
) -> CreditListEntry:
    """移出名录: the organization is off the list from `on` (that day it no longer counts as listed)."""
    entry = CreditListEntry.objects.select_for_update().get(pk=entry.pk)
    reason = require_reason(reason)
    if decision_number:
        reason = f"{reason} ({decision_number})"
    if entry.removed_on is not None:
        raise ValidationError({"removed_on": [_("The organization was already removed from this list.")]})
    check_status_date(on=on, since=entry.listed_on, since_label=_("date listed"))
    entry.removed_on = on
    entry.removal_reason = reason
    return instance_save(instance=entry, actor=actor, message=reason)


@transaction.atomic
def credit_entry_reinstate(*, entry: CreditListEntry, reason: str, actor) -> CreditListEntry:
    """Undo a removal recorded in error (clerks only): the listing is in force again."""
    check_reinstate(actor)
    entry = CreditListEntry.objects.select_for_update().get(pk=entry.pk)
    reason = require_reason(reason)
    if entry.removed_on is None:
        raise ValidationError({"removed_on": [_("The organization is on this list; there is nothing to reinstate.")]})
    entry.removed_on = None
    entry.removal_reason = ""
    return instance_save(instance=entry, actor=actor, message=reason)


# Party organizations (党组织)


@transaction.atomic
def party_organization_save(
    *, party_organization: PartyOrganization, organizations: Iterable[Organization], actor, message: str = ""
) -> PartyOrganization:
    """Create or change a party organization together with the organizations it covers.

    Checks the standalone/joint rule, the jurisdiction of the covered organizations (a district
    system writes party organizations of its own organizations only), and records a change of
    coverage in the history beside the change of the fields.
    """
    organizations = list(organizations)
    problems = coverage_problems(party_organization.kind, organizations)
    if problems:
        raise ValidationError({"organizations": problems})
    before = (
        [] if party_organization.pk is None else sorted(party_organization.organizations.values_list("pk", flat=True))
    )
    after = sorted({organization.pk for organization in organizations})
    party_organization._pending_organizations = organizations
    try:
        instance_save(instance=party_organization, actor=actor, message=message)
    finally:
        del party_organization._pending_organizations
    if before != after:
        party_organization.organizations.set(after)
        # The coverage is part of the record: its change moves `last_updated` (and the ETag) even
        # when no field of the party organization itself changed.
        PartyOrganization.objects.filter(pk=party_organization.pk).update(last_updated=timezone.now())
        party_organization.refresh_from_db(fields=["last_updated"])
        with change_by(actor=actor, message=message):
            ChangeRecord.record(
                instance=party_organization,
                action=ChangeAction.UPDATE,
                changes={"organizations": [before, after]},
            )
    return party_organization


# Divisions below the districts (乡镇街道、社区)


@dataclasses.dataclass(frozen=True)
class DivisionRow:
    """One row of a division file: its line in the file (the header is line 1) and its values."""

    line: int
    code: str
    name: str
    parent_code: str
    urban_rural_class: str = ""


@dataclasses.dataclass(frozen=True)
class ImportProblem:
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return _("row %(line)d (code %(code)s): %(message)s") % {
            "line": self.line,
            "code": self.code or "—",
            "message": self.message,
        }


class DivisionImportRejected(Exception):
    """The file does not fit the registry's tree: nothing was written."""

    def __init__(self, problems: Sequence[ImportProblem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = list(problems)


@dataclasses.dataclass
class DivisionImportReport:
    added: list[str] = dataclasses.field(default_factory=list)
    changed: dict[str, dict[str, list]] = dataclasses.field(default_factory=dict)
    unchanged: list[str] = dataclasses.field(default_factory=list)


_IMPORTED_FIELDS = ("name", "parent_id", "urban_rural_class")


def _division_from_row(row: DivisionRow) -> tuple[Division | None, list[str]]:
    problems = []
    level = level_for_code(row.code)
    if level is None:
        return None, [_("A division code has 6, 9 or 12 digits; %(code)s does not.") % {"code": row.code or "—"}]
    if not row.name:
        problems.append(_("The name is empty."))
    elif len(row.name) > Division._meta.get_field("name").max_length:
        problems.append(
            _("The name is longer than %(n)d characters.") % {"n": Division._meta.get_field("name").max_length}
        )
    if row.urban_rural_class:
        if row.urban_rural_class not in UrbanRuralClass.values:
            problems.append(
                _("The urban–rural class %(value)s is not one of the statistics bureau's (%(known)s).")
                % {"value": row.urban_rural_class, "known": ", ".join(UrbanRuralClass.values)}
            )
        elif len(row.code) != 12:
            problems.append(_("Only communities have an urban–rural class."))
    division = Division(
        code=row.code,
        name=row.name,
        level=level,
        parent_id=row.parent_code or None,
        urban_rural_class=row.urban_rural_class,
    )
    return division, problems


@transaction.atomic
def divisions_import(*, rows: Iterable[DivisionRow]) -> DivisionImportReport:
    """Bring the tree of divisions up to date with a file, all or nothing.

    Each row is added when its code is new and changed when its name, parent or urban–rural class
    differ; divisions absent from the file are left as they are. Levels follow from the code's
    length and every code must fit its parent (see `placement_problems`). Any problem rejects the
    whole file with every problem named by row; then nothing is written.
    """
    rows = [
        dataclasses.replace(
            row,
            code=normalise_text(row.code),
            name=normalise_text(row.name),
            parent_code=normalise_text(row.parent_code),
            urban_rural_class=normalise_text(row.urban_rural_class),
        )
        for row in rows
    ]
    problems: list[ImportProblem] = []
    incoming: dict[str, Division] = {}
    lines: dict[str, int] = {}
    for row in rows:
        division, row_problems = _division_from_row(row)
        problems += [ImportProblem(row.line, row.code, message) for message in row_problems]
        if division is None:
            continue
        if row.code in incoming:
            problems.append(
                ImportProblem(row.line, row.code, _("The code repeats row %(line)d.") % {"line": lines[row.code]})
            )
            continue
        incoming[row.code] = division
        lines[row.code] = row.line

    wanted = set(incoming) | {division.parent_id for division in incoming.values() if division.parent_id}
    stored = Division.objects.in_bulk(list(wanted))
    report = DivisionImportReport()
    to_create: list[Division] = []
    to_update: list[Division] = []
    for code, division in incoming.items():
        parent = None
        if division.parent_id:
            parent = stored.get(division.parent_id) or incoming.get(division.parent_id)
            if parent is None:
                problems.append(
                    ImportProblem(
                        lines[code],
                        code,
                        _("The parent %(parent)s is neither in the file nor in the registry.")
                        % {"parent": division.parent_id},
                    )
                )
                continue
        problems += [
            ImportProblem(lines[code], code, message)
            for message in placement_problems(code=code, level=division.level, parent=parent)
        ]
        existing = stored.get(code)
        division.derive()
        if existing is None:
            to_create.append(division)
            continue
        differences = {
            name: [getattr(existing, name), getattr(division, name)]
            for name in (*_IMPORTED_FIELDS, "kind")
            if (getattr(existing, name) or "") != (getattr(division, name) or "")
        }
        if differences:
            for name in _IMPORTED_FIELDS:
                setattr(existing, name, getattr(division, name))
            existing.derive()
            to_update.append(existing)
            report.changed[code] = differences
        else:
            report.unchanged.append(code)
    if problems:
        raise DivisionImportRejected(sorted(problems, key=lambda problem: (problem.line, problem.message)))
    by_depth = sorted(to_create, key=lambda division: len(division.code))
    Division.objects.bulk_create(by_depth, batch_size=500)
    if to_update:
        Division.objects.bulk_update(to_update, [*_IMPORTED_FIELDS, "kind", "urban"], batch_size=500)
    report.added = [division.code for division in by_depth]
    return report
