from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jobs.models import ExportFormat, ExportJob

SCALARS = (str, int, float, bool)


class ExportParamsField(serializers.DictField):
    """The list's query parameters: each a text (or number, or true/false), or a list of them (repeated)."""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        params = {}
        for name, value in data.items():
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(item, SCALARS) for item in values):
                raise serializers.ValidationError({name: [_("A text, a number, true/false, or a list of them.")]})
            texts = [str(item).lower() if isinstance(item, bool) else str(item) for item in values]
            params[str(name)] = texts if isinstance(value, list) else texts[0]
        return params


class ExportRequestSerializer(serializers.Serializer):
    resource = serializers.CharField(max_length=100, help_text=_("The list's path segment: organizations, ..."))
    params = ExportParamsField(required=False, default=dict, help_text=_("The list's filters, as its query string."))
    format = serializers.ChoiceField(choices=ExportFormat.choices)


class ExportJobSerializer(serializers.ModelSerializer):
    format = serializers.CharField(source="file_format", read_only=True)
    requested_by = serializers.CharField(source="requested_by.get_username", read_only=True)
    file = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "resource",
            "title",
            "params",
            "format",
            "status",
            "progress",
            "total",
            "requested_by",
            "created",
            "finished",
            "expires",
            "file",
            "export_log",
            "error",
        ]
        read_only_fields = fields

    def get_file(self, job) -> str | None:
        """The file's URL once the export is done (until it expires)."""
        if job.status != "done":
            return None
        path = reverse("exportjob-file", kwargs={"pk": job.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
