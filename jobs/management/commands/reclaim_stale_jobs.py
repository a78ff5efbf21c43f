from django.core.management.base import BaseCommand

from jobs.queue import reclaim_stale_jobs


class Command(BaseCommand):
    help = "Fail and retry jobs running longer than REGISTRY_JOB_TIMEOUT_SECONDS (their worker was lost)."

    def handle(self, **options):
        self.stdout.write(f"{reclaim_stale_jobs()} stale job(s) reclaimed")
