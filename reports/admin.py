from django.contrib import admin

from core.admin import RegistryAdmin
from reports.models import Document, PublishedFigure


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
