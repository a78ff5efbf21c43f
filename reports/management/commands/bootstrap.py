"""`make run`'s set-up step: on an empty database load the fixtures and the demo data; create an
admin login once and print it. On a database that has data it loads nothing and loses nothing.
It lives in the top app because it orchestrates them all (the fixtures of every app, reports' demo data)."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.management.base import RecordedCommand
from core.roles import ensure_role_groups
from registry.models import Division, Organization

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
        ensure_role_groups()
        if not Division.objects.exists():
            self.stdout.write("Empty database: loading fixtures …")
            call_command("loaddata", *settings.REGISTRY_FIXTURES, verbosity=0)
            if not Organization.objects.exists():
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
                LOGIN_FILE.chmod(0o600)  # one written before the file was made private
                self.stdout.write(self.style.SUCCESS(f"Admin login: {LOGIN_FILE.read_text().strip()}"))
            else:
                self.stdout.write(
                    f"Admin login: user '{username}' exists "
                    "(reset with: .venv/bin/python manage.py changepassword admin)"
                )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        write_private(LOGIN_FILE, f"{username} / {password}\n")
        self.stdout.write(self.style.SUCCESS(f"Admin login: {username} / {password}"))


def write_private(path: Path, text: str) -> None:
    """Write `text` to a file only its owner may read (0600): it holds a password. The mode is given
    when the file is created, so the password is never readable by others, not even for a moment."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its old mode through O_CREAT
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
