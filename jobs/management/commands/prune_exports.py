from django.core.management.base import BaseCommand

from jobs.exports import exports_prune


class Command(BaseCommand):
    help = "Remove the files of long exports older than REGISTRY_EXPORT_KEEP_DAYS days (a daily periodic job)."

    def handle(self, **options):
        self.stdout.write(f"{exports_prune()} export file(s) removed")
