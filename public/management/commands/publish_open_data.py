import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from public.opendata import publish_open_data


class Command(BaseCommand):
    help = "Write the dated open-data release of the public register under OPEN_DATA_ROOT (DESIGN §11)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The release's day, YYYY-MM-DD (default: today, Beijing time).")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {date!r} is not a date (YYYY-MM-DD).") from None
        release = publish_open_data(day=day)
        self.stdout.write(str(release))
