from registry.models.annual_reports import AnnualReport
from registry.models.credit import CreditListEntry
from registry.models.divisions import Division
from registry.models.events import RegistrationEvent
from registry.models.filings import CommunityOrganization, FilingNumberCounter
from registry.models.organizations import Organization
from registry.models.party import ComprehensivePartyCommittee, PartyCoverage, PartyOrganization
from registry.models.penalties import AdministrativePenalty
from registry.models.people import OrganizationPerson

__all__ = [
    "AdministrativePenalty",
    "AnnualReport",
    "CommunityOrganization",
    "ComprehensivePartyCommittee",
    "CreditListEntry",
    "Division",
    "FilingNumberCounter",
    "Organization",
    "OrganizationPerson",
    "PartyCoverage",
    "PartyOrganization",
    "RegistrationEvent",
]
