#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Django would hide a settings error behind "Models aren't loaded yet"; say what is wrong instead.
    try:
        settings.INSTALLED_APPS  # noqa: B018 (reading a setting loads them all)
    except ImproperlyConfigured as error:
        sys.exit(f"manage.py: {error} (`make run` writes a development .env; production sets the environment)")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
