from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import RegistryAdmin, status_action
from registry import services
from registry.models import Division, Organization


@admin.register(Division)
class DivisionAdmin(RegistryAdmin):
    list_display = ["code", "name", "level", "parent", "urban", "successor", "is_demo"]
    list_filter = ["level", "urban", "is_demo"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "successor"]


@admin.register(Organization)
class OrganizationAdmin(RegistryAdmin):
    list_display = ["name", "uscc", "org_type", "registration_level", "registered_by", "status", "registered_on"]
    list_filter = ["org_type", "registration_level", "registered_by", "status", "is_demo"]
    search_fields = ["name", "uscc"]
    date_hierarchy = "registered_on"
    list_select_related = ["registered_by"]
    readonly_fields = ["registration_level", "status", "status_date", "status_reason", "created", "last_updated"]
    autocomplete_fields = ["registered_by", "domicile"]
    actions = [
        status_action(service=services.organization_deregister, target="organization", title=_("Deregister")),
        status_action(service=services.organization_revoke, target="organization", title=_("Revoke registration")),
        status_action(
            service=services.organization_reinstate, target="organization", title=_("Reinstate"), needs_date=False
        ),
    ]
