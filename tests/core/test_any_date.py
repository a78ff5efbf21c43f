"""The suite passes on any date: the date-sensitive tests (`@pytest.mark.date_sensitive`: ratings'
validity and worklists, eligibility by age, tokens' expiry, annual reports by year, the default of
`as_of`) run again here with today moved (REGISTRY_TODAY, see the root conftest.py) to a leap day,
a 31 December and a date five years ahead."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]


def five_years_ahead(today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year + 5)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 5, day=28)


def next_leap_day(today: datetime.date) -> datetime.date:
    year = today.year
    while True:
        try:
            leap_day = datetime.date(year, 2, 29)
        except ValueError:
            year += 1
            continue
        if leap_day >= today:
            return leap_day
        year += 1


TODAY = datetime.date.today()
DAYS = {
    "leap day": next_leap_day(TODAY),
    "31 December": datetime.date(TODAY.year, 12, 31),
    "five years ahead": five_years_ahead(TODAY),
}


def database_url_of_its_own(suffix: str) -> str | None:
    """A PostgreSQL run gets a test database of its own, beside the one this run uses."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=f"{parsed.path}_{suffix}"))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(DAYS))
def test_the_date_sensitive_tests_pass_with_today_moved(name):
    day = DAYS[name]
    environment = {**os.environ, "REGISTRY_TODAY": day.isoformat()}
    url = database_url_of_its_own(f"on_{day:%Y%m%d}")
    if url:
        environment["DATABASE_URL"] = url
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "date_sensitive", "-p", "no:cacheprovider", "-x", "tests"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    tail = run.stdout[-4000:] + run.stderr[-2000:]
    assert f"today moved to {day.isoformat()}" in run.stdout, tail
    assert run.returncode == 0, tail
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed and int(passed.group(1)) >= 50, tail  # the date-sensitive tests ran, not none
