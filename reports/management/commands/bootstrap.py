"""`make run`'s set-up step: on an empty database load the fixtures and the demo data; create an
admin login (and, with the demo data, a demo clerk's and a demo auditor's) once and print
them. On a database that has data it loads nothing and loses nothing. It lives in the top app
because it orchestrates them all (the fixtures of every app, reports' demo data)."""

import os
import secrets
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.choices import Role
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
        """The superuser, and where the demo data is, a demo clerk and a demo auditor: each made once, its
        password printed and kept in LOGIN_FILE (0600); on later runs the file is printed again."""
        from registry.models import Organization

        User = get_user_model()
        logins = [SUPERUSER]
        if Organization.objects.filter(is_demo=True).exists():
            logins += DEMO_LOGINS
        kept = read_logins(LOGIN_FILE)
        lines, made = [], False
        for login in logins:
            if User.objects.filter(username=login.username).exists():
                lines.append(
                    kept.get(login.username) or f"{login.username} (exists; reset with: {RESET} {login.username})"
                )
                continue
            password = secrets.token_urlsafe(12)
            if login.role is None:
                User.objects.create_superuser(username=login.username, email="", password=password)
            else:
                user = User.objects.create_user(
                    username=login.username, password=password, is_staff=True, first_name=login.label
                )
                user.groups.add(ensure_role_groups()[login.role])
            lines.append(f"{login.username} / {password}" + (f"  ({login.label})" if login.role else ""))
            made = True
        if made:
            write_private(LOGIN_FILE, "".join(f"{line}\n" for line in lines))
        elif LOGIN_FILE.exists():
            LOGIN_FILE.chmod(0o600)  # one written before the file was made private
        for login, line in zip(logins, lines, strict=True):
            self.stdout.write(self.style.SUCCESS(f"{login.title}: {line}"))


class Login(NamedTuple):
    username: str
    role: str | None  # None: the superuser
    title: str  # printed before the login
    label: str = ""  # the user's name in the admin, saying it is a demo login


SUPERUSER = Login("admin", None, "Admin login")
DEMO_LOGINS = [
    Login("demo-clerk", Role.CLERK, "Demo clerk login", "【演示】市局登记管理人员"),
    Login("demo-auditor", Role.AUDITOR, "Demo auditor login", "【演示】监督查询人员"),
]
RESET = ".venv/bin/python manage.py changepassword"


def read_logins(path: Path) -> dict[str, str]:
    """The lines of a login file written before, by username."""
    if not path.exists():
        return {}
    return {line.split(" ", 1)[0]: line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def write_private(path: Path, text: str) -> None:
    """Write `text` to a file only its owner may read (0600): it holds a password. The mode is given
    when the file is created, so the password is never readable by others, not even for a moment."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its old mode through O_CREAT
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
