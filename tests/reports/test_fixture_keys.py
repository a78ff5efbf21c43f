"""The reference fixtures load one after another into the same tables: a key used twice would let the
later record silently overwrite the earlier one (a party committee's citation was lost to the role
model's this way)."""

import json
from collections import Counter
from pathlib import Path

from django.conf import settings


def test_no_two_fixture_records_share_a_model_and_key():
    keys = Counter()
    for path in settings.REGISTRY_FIXTURES:
        for record in json.loads(Path(path).read_text(encoding="utf-8")):
            if "pk" in record:
                keys[(record["model"], record["pk"])] += 1
    assert [key for key, count in keys.items() if count > 1] == []
