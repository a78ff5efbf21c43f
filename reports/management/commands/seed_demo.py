"""`python manage.py seed_demo [--scale N] [--seed S]` (DESIGN §6): the reply-scale demo data."""

import time

from django.core.management.base import CommandError
from django.db import transaction

from core.context import change_context
from core.management.base import RecordedCommand
from registry.models import Organization
from reports.demo.base import DemoContext
from reports.demo.seed import write_demo_data

DEFAULT_SEED = 333  # the reply answers suggestion No. 333


class Command(RecordedCommand):
    help = (
        "Write a synthetic, deterministic data set whose statistics equal the figures of the bureau's reply "
        "at scale 1 (stats/?as_of=2023-06-15; ratings ?as_of=2022-12-31). Every name is marked 【演示】 and "
        "every row is_demo. Refuses a database that holds real organizations unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiply the counts by N (default 1).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED}).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write the demo data even though the database holds real (non-demo) organizations.",
        )

    def handle(self, *args, scale: int, seed: int, force: bool, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        real = Organization.objects.filter(is_demo=False).count()
        if real and not force:
            raise CommandError(
                f"The database holds {real} real (non-demo) organizations: demo data would mix with the real "
                "register and the statistics would no longer be the reply's. Use an empty database, or --force "
                "to write it anyway."
            )
        if Organization.objects.filter(is_demo=True).exists():
            raise CommandError(
                "The database already holds demo data; seed_demo writes into a database without it "
                "(start from an empty database)."
            )
        started = time.monotonic()
        context = DemoContext(scale=scale, seed=seed, log=lambda message: self.stdout.write(f"  {message}"))
        message = f"seed_demo --scale {scale} --seed {seed}"
        with change_context(message=message), transaction.atomic():
            write_demo_data(context)
            context.restore()
            context.record_bulk_load(message)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data at scale {scale} (seed {seed}) written in {time.monotonic() - started:.1f} s."
            )
        )
