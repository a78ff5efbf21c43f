"""Demo people and registration events (DESIGN §9): a legal representative for every demo organization
(the name on the organization), a secretary general for some, earlier legal representatives and earlier
names for a share of them (changes over the years, with their `changed` events), and the `established`,
`deregistered` and `revoked` events of every demo organization.

ID numbers are valid (check character, birth date, issuing division, python-stdnum `cn.ric`) but
fictitious: the organization's district (or the division it was in the year of birth), a birth date
drawn from 1965–1994 and a sequence from 900–999, every person named 【演示】; encrypted like real ones.
"""

from __future__ import annotations

import datetime
import functools
import json
import random

from django.db import connection
from django.utils import timezone
from stdnum.cn import ric

from core.personal_data import blind_index
from registry.choices import CITY_CODE, OrgStatus, PersonRole, RegistrationEventKind
from registry.models import Organization, OrganizationPerson, RegistrationEvent
from reports.demo import names
from reports.demo.base import DEMO_PREFIX, DemoContext
from reports.demo.organizations import DemoOrganization

PERSON_COLUMNS = ["organization", "role", "name", "id_number", "id_number_index", "phone", "started_on", "ended_on"]
EVENT_COLUMNS = ["organization", "kind", "date", "approval_number", "before", "after", "reason"]
# Shares of the demo organizations with an earlier legal representative, with an earlier name.
CHANGED_REPRESENTATIVE = 0.12
CHANGED_NAME = 0.04


# Numbers carry the division that issued them in the year of birth: 鄞州区 (330212) since 2002 was 鄞县
# (330227) before, 奉化区 (330213) since 2016 was 奉化市 (330283); python-stdnum checks this too.
EARLIER_AREA = {"330212": "330227", "330213": "330283", CITY_CODE: "330201"}


@functools.cache
def _issued_in(area: str, year: int) -> bool:
    """Whether `cn.ric` accepts a number of the division `area` for a birth in `year`. With the check
    character computed and a real birth date, that is all its verdict depends on (the division must have
    existed in the year of birth): asked once per division and year, not per number (the lookup in its
    table of divisions was most of seeding's time)."""
    body = f"{area}{year:04d}0101900"
    return ric.is_valid(body + ric.calc_check_digit(body + "0"))


def demo_id_number(rng: random.Random, *, district: str) -> str:
    """A valid, fictitious resident identity card number issued in `district` (see the module's note)."""
    while True:
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 30))
        for area in (district, EARLIER_AREA.get(district, "330203"), "330203"):
            body = f"{area}{birth:%Y%m%d}{rng.randrange(900, 1000):03d}"
            if _issued_in(area, birth.year):
                return body + ric.calc_check_digit(body + "0")


def _between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(max(1, (end - start).days)))


def seed_people(context: DemoContext, organizations: list[DemoOrganization]) -> None:
    rng = context.rng("people")
    field = OrganizationPerson._meta.get_field("id_number")
    people, events = [], []

    def person(organization, role, name, started_on, ended_on=None):
        number = demo_id_number(rng, district=organization.registered_by)
        encrypted = field.get_db_prep_save(number, connection)
        phone = names.demo_phone(rng.randrange(10000))
        people.append((organization.pk, role, name, encrypted, blind_index(number), phone, started_on, ended_on))

    demo = Organization._base_manager.filter(is_demo=True)
    names_of = dict(demo.values_list("pk", "legal_representative"))
    status_of = dict(demo.exclude(status=OrgStatus.ACTIVE).values_list("pk", "status"))
    today = timezone.localdate()
    for organization in organizations:
        last_day = min(organization.ended_on or today, today)
        current = names_of.get(organization.pk) or names.person_name(rng)
        facts = {"name": organization.name, "legal_representative": current}
        since = organization.registered_on
        if rng.random() < CHANGED_REPRESENTATIVE and (last_day - organization.registered_on).days > 730:
            earlier = names.person_name(rng)
            since = _between(rng, organization.registered_on + datetime.timedelta(days=365), last_day)
            person(organization, PersonRole.LEGAL_REPRESENTATIVE, earlier, organization.registered_on,
                   since - datetime.timedelta(days=1))  # fmt: skip
            facts["legal_representative"] = earlier
            events.append(_changed(organization, since, {"legal_representative": [earlier, current]}, rng))
        person(organization, PersonRole.LEGAL_REPRESENTATIVE, current, since)
        if rng.random() < 0.5:
            person(organization, PersonRole.SECRETARY_GENERAL, names.person_name(rng), organization.registered_on)
        if rng.random() < CHANGED_NAME and (last_day - organization.registered_on).days > 730:
            earlier_name = f"{organization.name.removeprefix(DEMO_PREFIX)}（原名）"
            earlier_name = f"{DEMO_PREFIX}{earlier_name}"
            renamed_on = _between(rng, organization.registered_on + datetime.timedelta(days=365), last_day)
            facts["name"] = earlier_name
            events.append(_changed(organization, renamed_on, {"name": [earlier_name, organization.name]}, rng))
        events.append(
            (organization.pk, RegistrationEventKind.ESTABLISHED, organization.registered_on, "", {}, facts, "")
        )
        if organization.ended_on is not None:
            status = status_of.get(organization.pk, OrgStatus.DEREGISTERED)
            kind = RegistrationEventKind.REVOKED if status == OrgStatus.REVOKED else RegistrationEventKind.DEREGISTERED
            events.append(
                (organization.pk, kind, organization.ended_on, "", {"status": "active"}, {"status": status}, "")
            )
    context.insert(OrganizationPerson, [*PERSON_COLUMNS, "is_demo"], (row + (True,) for row in people))
    rows = (
        (pk, kind, date, number, json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False),
         reason, True)
        for pk, kind, date, number, before, after, reason in events
    )  # fmt: skip
    context.insert(RegistrationEvent, [*EVENT_COLUMNS, "is_demo"], rows)
    context.log(f"people: {len(people)}, registration events: {len(events)}")


def _changed(organization, on, changes: dict, rng: random.Random) -> tuple:
    number = f"甬民登变〔{on.year}〕{rng.randrange(1, 999)}号"
    before = {name: old for name, (old, _new) in changes.items()}
    after = {name: new for name, (_old, new) in changes.items()}
    return (organization.pk, RegistrationEventKind.CHANGED, on, number, before, after, "")
