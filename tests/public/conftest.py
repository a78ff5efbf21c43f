import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """The public API's throttle counts per client address in the cache, and every test client is
    127.0.0.1: each test starts with no request counted."""
    cache.clear()
    yield
    cache.clear()
