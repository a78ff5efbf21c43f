"""The platform tests count platforms from an empty table; the test databases hold the reference
fixtures (settings.REGISTRY_FIXTURES), which include the innovation park the reply names
(fixtures/platforms.json). Set it aside for these tests (each test's transaction brings it back)."""

import pytest

from platforms.models import Platform

FIXTURE_PARK = "宁波(鄞州)社会组织创新园"


@pytest.fixture(autouse=True)
def without_the_fixture_park(db):
    Platform.objects.filter(name=FIXTURE_PARK, is_demo=False).delete()
