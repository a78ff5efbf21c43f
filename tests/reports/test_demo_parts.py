"""Parts of the demo data that need no database: determinism, exact splits."""

import random

from reports.demo import organizations
from reports.demo.base import DemoContext, apportion


def _specs(seed: int, scale: int = 1):
    context = DemoContext(scale=scale, seed=seed)
    return organizations._specs(context, context.rng("organizations"))


def test_the_same_seed_draws_the_same_register_and_another_seed_another():
    assert _specs(333) == _specs(333)
    assert _specs(333) != _specs(334)


def test_scale_multiplies_the_organizations():
    assert len(_specs(333, scale=3)) == 3 * len(_specs(333))


def test_apportion_adds_up_exactly_and_follows_the_weights():
    parts = apportion(2024, {"a": 20, "b": 8, "c": 6})
    assert sum(parts.values()) == 2024
    assert parts["a"] > parts["b"] > parts["c"]


def test_the_credit_codes_of_different_serials_differ():
    codes = {
        organizations.credit_code(
            org_type="social_group", registered_by="330212", registered_on=organizations.MERGER_DATE, serial=serial
        )
        for serial in range(1, 5000)
    }
    assert len(codes) == 4999


def test_the_random_source_of_a_part_does_not_depend_on_the_others():
    context = DemoContext(scale=1, seed=1)
    first = context.rng("filings").random()
    context.rng("organizations").random()
    assert context.rng("filings").random() == first == random.Random("1:filings").random()
