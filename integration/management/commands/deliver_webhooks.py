from django.core.management.base import BaseCommand

from core.choices import ChangeSource
from core.context import change_context
from integration.webhooks import deliver_due


class Command(BaseCommand):
    help = "Deliver the webhooks that are due: new feed events to every active subscription, and retries."

    def handle(self, *args, **options):
        with change_context(source=ChangeSource.COMMAND):
            counts = deliver_due()
        self.stdout.write(f"queued {counts['queued']}, sent {counts['sent']}, succeeded {counts['succeeded']}")
