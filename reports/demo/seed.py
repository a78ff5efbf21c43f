"""The parts of the demo data, in the order they depend on each other."""

from reports.demo.base import DemoContext
from reports.demo.evaluations import seed_evaluations
from reports.demo.filings import seed_communities, seed_filings
from reports.demo.history import seed_history
from reports.demo.organizations import seed_organizations
from reports.demo.party import seed_party
from reports.demo.people import seed_people
from reports.demo.platforms import seed_platforms
from reports.demo.procurement import seed_procurement
from reports.demo.ratings import seed_ratings
from reports.demo.supervision import seed_supervision


def write_demo_data(context: DemoContext) -> None:
    organizations = seed_organizations(context)
    seed_people(context, organizations)
    seed_filings(context, seed_communities(context))
    rated = seed_ratings(context, organizations)
    seed_evaluations(context, organizations)
    seed_party(context, organizations)
    seed_platforms(context, organizations)
    seed_procurement(context, organizations, rated)
    seed_supervision(context, organizations)
    seed_history(context)  # last: the history of what the parts above loaded
