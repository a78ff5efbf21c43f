"""Filing numbers handed out concurrently never repeat (docs/decisions/0010-filing-numbers.md)."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from core.roles import ensure_role_groups
from registry.models import CommunityOrganization
from tests.registry.builders import YINZHOU_TOWNSHIP, make_community, make_filing

FILINGS = 8


@pytest.fixture
def reference_data_restored(django_db_blocker):
    """A transactional test empties every table when it ends: put the reference data back for the
    tests that follow. (Requested before `transactional_db`, so this runs after its flush.)"""
    yield
    with django_db_blocker.unblock():
        call_command("loaddata", *settings.REGISTRY_FIXTURES, verbosity=0)
        ensure_role_groups()


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite lets one transaction write at a time, and the in-memory test database cannot wait "
    "for a lock; the numbering itself is tested on SQLite by test_filings.py",
)
def test_concurrent_filings_in_one_township_and_year_get_distinct_numbers(reference_data_restored, transactional_db):
    community = make_community(YINZHOU_TOWNSHIP)
    start = threading.Barrier(FILINGS)
    errors: list[BaseException] = []

    def file_one(index: int) -> None:
        try:
            start.wait(timeout=30)
            make_filing(community=community, name=f"并发备案{index}", filed_on=datetime.date(2023, 3, 1))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_one, args=(index,)) for index in range(FILINGS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(CommunityOrganization.objects.values_list("filing_number", flat=True))
    assert numbers == [f"{YINZHOU_TOWNSHIP}-2023-{sequence:04d}" for sequence in range(1, FILINGS + 1)]
