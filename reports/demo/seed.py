"""The parts of the demo data, in the order they depend on each other."""

from reports.demo.base import DemoContext
from reports.demo.organizations import seed_organizations


def write_demo_data(context: DemoContext) -> None:
    seed_organizations(context)
