"""Base of the registry's management commands: what they change is recorded as coming from a command."""

import getpass
import socket

from django.core.management.base import BaseCommand

from core.choices import ChangeSource
from core.context import change_context


def command_label(name: str) -> str:
    """How the history names a command run without a user account: `manage.py NAME (os-user@host)`."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = "?"
    return f"manage.py {name} ({user}@{socket.gethostname()})"


class RecordedCommand(BaseCommand):
    """Runs `handle()` in a change context whose source is `command` and whose actor label names the
    command and the operating-system user, so every change it makes is attributed in the history."""

    def execute(self, *args, **options):
        name = self.__module__.rsplit(".", 1)[-1]
        with change_context(source=ChangeSource.COMMAND, actor_label=command_label(name), message=f"manage.py {name}"):
            return super().execute(*args, **options)
