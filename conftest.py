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
        "today(date): the test runs with today fixed at that date (ISO), for rules stated on fixed dates",
    )
    config.addinivalue_line(
        "markers",
        "date_sensitive: depends on what today is (validity, worklists, expiry, defaults of as_of); "
        "tests/core/test_any_date.py runs these with today moved",
    )
    moved = os.environ.get(TODAY_VARIABLE)
    if moved:
        import time_machine

        config._registry_travel = time_machine.travel(beijing_noon(datetime.date.fromisoformat(moved)), tick=True)
        config._registry_travel.start()


def beijing_noon(today: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(today, datetime.time(12), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _fixed_today(request):
    """`@pytest.mark.today("2026-06-01")`: a rule stated on fixed dates (concluded 2024-03-01, valid
    until 2029-02-28) is tested on a day inside them, whatever the real or moved today is."""
    marker = request.node.get_closest_marker("today")
    if marker is None:
        yield
        return
    import time_machine

    with time_machine.travel(beijing_noon(datetime.date.fromisoformat(marker.args[0])), tick=True):
        yield


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
