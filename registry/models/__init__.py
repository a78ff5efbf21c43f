from registry.models.divisions import Division
from registry.models.organizations import Organization

__all__ = ["Division", "Organization"]
