"""`python manage.py rekey_personal_data`: re-encrypt and re-index every identity card number under the
first of `PERSONAL_DATA_KEYS` (the last step of a key rotation, docs/decisions/0241-personal-data-keys.md).

The values do not change, so the change history records nothing: the rows are written through the base
manager, in batches, each batch in its own transaction.
"""

from django.db import transaction

from core.management.base import RecordedCommand
from core.personal_data import blind_index
from registry.models import OrganizationPerson

BATCH = 1000


class Command(RecordedCommand):
    help = "Re-encrypt and re-index every identity card number under the current (first) personal data key."

    def handle(self, *args, **options):
        people = OrganizationPerson._base_manager.exclude(id_number__isnull=True).order_by("pk")
        keys = list(people.values_list("pk", flat=True))
        for start in range(0, len(keys), BATCH):
            with transaction.atomic():
                for pk, number in people.filter(pk__in=keys[start : start + BATCH]).values_list("pk", "id_number"):
                    OrganizationPerson._base_manager.filter(pk=pk).update(
                        id_number=number, id_number_index=blind_index(number or "")
                    )
        self.stdout.write(f"Re-encrypted and re-indexed {len(keys)} identity card number(s).")
