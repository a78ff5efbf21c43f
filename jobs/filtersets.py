from core.filters import RegistryFilterSet
from jobs.models import ExportJob


class ExportJobFilterSet(RegistryFilterSet):
    class Meta:
        model = ExportJob
        fields = ["status", "resource", "file_format"]
