"""Set-up shared by the whole suite (tests/conftest.py holds the builders).

`make test` sets DEBUG and a throwaway SECRET_KEY in the environment; running pytest directly
reads them from the local .env that `make run` writes.

`REGISTRY_TODAY=YYYY-MM-DD` runs the whole suite with today moved to that date (Beijing noon, the
clock ticking from there): the suite must pass on any date, and `tests/core/test_any_date.py` runs
the date-sensitive tests this way on a leap day, a 31 December and a date five years ahead.
"""

import datetime
import os
import zoneinfo

import pytest

TODAY_VARIABLE = "REGISTRY_TODAY"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "date_sensitive: depends on what today is (validity, worklists, expiry, defaults of as_of); "
        "tests/core/test_any_date.py runs these with today moved",
    )
    moved = os.environ.get(TODAY_VARIABLE)
    if moved:
        import time_machine

        today = datetime.date.fromisoformat(moved)
        noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
        config._registry_travel = time_machine.travel(noon, tick=True)
        config._registry_travel.start()


def pytest_report_header(config):
    moved = os.environ.get(TODAY_VARIABLE)
    return f"today moved to {moved} ({TODAY_VARIABLE})" if moved else None


def pytest_unconfigure(config):
    travel = getattr(config, "_registry_travel", None)
    if travel is not None:
        travel.stop()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; a real password hash costs ~0.3 s each and protects nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
