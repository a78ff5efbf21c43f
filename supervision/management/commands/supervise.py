import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from supervision.jobs import run_supervision


class Command(BaseCommand):
    help = "Compute the supervision proposals of a day (default today); idempotent (DESIGN §7)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run for, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        try:
            day = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        run = run_supervision(day)
        parts = ", ".join(f"{kind} {n}" for kind, n in sorted(run.created.items())) or "none"
        self.stdout.write(f"supervise {day}: {run.total} new proposal(s) ({parts}); {run.superseded} superseded")
        if run.uncovered_years:
            years = ", ".join(map(str, sorted(run.uncovered_years)))
            self.stderr.write(f"warning: the working-day calendar does not cover {years} (weekends only counted)")
