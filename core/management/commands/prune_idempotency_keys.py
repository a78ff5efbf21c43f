from django.core.management.base import BaseCommand

from core.idempotency import keys_prune


class Command(BaseCommand):
    help = "Remove Idempotency-Key records older than REGISTRY_IDEMPOTENCY_HOURS (a periodic job)."

    def handle(self, **options):
        self.stdout.write(f"{keys_prune()} idempotency key(s) removed")
