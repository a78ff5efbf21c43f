from django.contrib import admin
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.access import principal_of
from core.admin.bases import RegistryAdmin
from reports.models import Citation, Document, PublishedFigure
from reports.views import dashboard


@admin.register(PublishedFigure)
class PublishedFigureAdmin(RegistryAdmin):
    list_display = ["label", "value", "unit", "reference_date", "comparison", "approximate", "district", "key"]
    list_filter = ["reference_date", "comparison", "approximate", "unit", "district"]
    search_fields = ["label", "key", "sentence"]
    list_select_related = ["district"]
    readonly_fields = ["approximate", "created", "last_updated"]


@admin.register(Document)
class DocumentAdmin(RegistryAdmin):
    list_display = ["__str__", "issuer", "kind", "status", "date_as_given", "date_event"]
    list_filter = ["kind", "status", "date_precision"]
    search_fields = ["title", "issuer", "sentence"]
    readonly_fields = ["created", "last_updated"]

    @admin.display(description=Document._meta.get_field("dated").verbose_name)
    def date_as_given(self, obj):
        return obj.date_as_given


@admin.register(Citation)
class CitationAdmin(RegistryAdmin):
    list_display = ["record", "content_type", "object_id", "note"]
    list_filter = ["content_type"]
    search_fields = ["sentence", "note"]
    readonly_fields = ["created", "last_updated"]

    @admin.display(description=_("record"))
    def record(self, obj):
        return obj.record


# The dashboard is a page of the admin site (admin:reports_dashboard) and an entry of the 报表 app on
# the index and in the side bar, for those who may read the registry in the admin.
def _with_dashboard_urls(get_urls):
    def urls():
        view = admin.site.admin_view(dashboard)
        return [path("reports/dashboard/", view, name="reports_dashboard"), *get_urls()]

    return urls


def _with_dashboard_entry(get_app_list):
    def app_list(request, app_label=None):
        apps = get_app_list(request, app_label)
        if not principal_of(request.user).reads_history:
            return apps
        entry = {
            "model": None,
            "name": _("Statistics dashboard"),
            "object_name": "Dashboard",
            "perms": {"add": False, "change": False, "delete": False, "view": True},
            "admin_url": reverse("admin:reports_dashboard"),
            "add_url": None,
            "view_only": True,
        }
        for app in apps:
            if app["app_label"] == "reports":
                app["models"].insert(0, entry)
        return apps

    return app_list


admin.site.get_urls = _with_dashboard_urls(admin.site.get_urls)
admin.site.get_app_list = _with_dashboard_entry(admin.site.get_app_list)
