"""Existing organizations keep their legal representative's name as their current `legal_representative`
person (from their registration date), and get the `established` event of their registration date (and
the event of their deregistration or revocation, if they ended). docs/decisions/0242-people-and-events.md."""

from django.db import migrations

BATCH = 2000
FACTS = ("name", "domicile_id", "legal_representative", "business_scope", "supervising_unit")
ENDED = {"deregistered": "deregistered", "revoked": "revoked"}


def forwards(apps, schema_editor):
    Organization = apps.get_model("registry", "Organization")
    Person = apps.get_model("registry", "OrganizationPerson")
    Event = apps.get_model("registry", "RegistrationEvent")
    people, events = [], []
    columns = ("id", "registered_on", "status", "status_date", "status_reason", "is_demo", *FACTS)
    for row in Organization.objects.order_by("id").values(*columns).iterator(chunk_size=BATCH):
        if row["legal_representative"].strip():
            people.append(
                Person(
                    organization_id=row["id"],
                    role="legal_representative",
                    name=row["legal_representative"].strip(),
                    id_number=None,
                    id_number_index="",
                    started_on=row["registered_on"],
                    is_demo=row["is_demo"],
                )
            )
        facts = {name.removesuffix("_id"): row[name] for name in FACTS}
        events.append(
            Event(
                organization_id=row["id"],
                kind="established",
                date=row["registered_on"],
                after=facts,
                is_demo=row["is_demo"],
            )
        )
        if row["status"] in ENDED and row["status_date"]:
            events.append(
                Event(
                    organization_id=row["id"],
                    kind=ENDED[row["status"]],
                    date=row["status_date"],
                    reason=row["status_reason"],
                    before={"status": "active"},
                    after={"status": row["status"]},
                    is_demo=row["is_demo"],
                )
            )
        if len(events) >= BATCH:
            Person.objects.bulk_create(people)
            Event.objects.bulk_create(events)
            people, events = [], []
    Person.objects.bulk_create(people)
    Event.objects.bulk_create(events)


def backwards(apps, schema_editor):
    apps.get_model("registry", "RegistrationEvent").objects.all().delete()
    apps.get_model("registry", "OrganizationPerson").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_people_and_registration_events")]

    operations = [migrations.RunPython(forwards, backwards)]
