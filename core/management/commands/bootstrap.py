"""`make run`'s set-up step: on an empty database load the fixtures and the demo data; create an
admin login once and print it. On a database that has data it loads nothing and loses nothing."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands

from core.management.base import RecordedCommand
from core.roles import ensure_role_groups

LOGIN_FILE = Path(settings.BASE_DIR) / ".admin-login"


class Command(RecordedCommand):
    help = "Load fixtures and demo data into an empty database and print the admin login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help="host:port the server will listen on (`make run` passes HOST and PORT), printed with the login",
        )

    def handle(self, *args, **options):
        from registry.models import Division, Organization

        ensure_role_groups()
        if not Division.objects.exists():
            self.stdout.write("Empty database: loading fixtures …")
            call_command("loaddata", *settings.REGISTRY_FIXTURES, verbosity=0)
            if not Organization.objects.exists() and "seed_demo" in get_commands():
                self.stdout.write("Loading the scale-1 demo data (seed_demo) …")
                call_command("seed_demo", scale=1, stdout=self.stdout)
        else:
            self.stdout.write("The database has data: nothing loaded.")
        self._admin_login()
        self.stdout.write(f"Admin: http://{options['address']}/admin/")

    def _admin_login(self):
        User = get_user_model()
        username = "admin"
        if User.objects.filter(username=username).exists():
            if LOGIN_FILE.exists():
                self.stdout.write(self.style.SUCCESS(f"Admin login: {LOGIN_FILE.read_text().strip()}"))
            else:
                self.stdout.write(
                    f"Admin login: user '{username}' exists "
                    "(reset with: .venv/bin/python manage.py changepassword admin)"
                )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        LOGIN_FILE.write_text(f"{username} / {password}\n")
        self.stdout.write(self.style.SUCCESS(f"Admin login: {username} / {password}"))
