from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.choices import DivisionLevel
from registry.models import Division


class StatsQuerySerializer(serializers.Serializer):
    """The query of `GET stats/`: `as_of` (default today), `district`, `compare=published`, `format`."""

    as_of = serializers.DateField(required=False, label=_("as of"))
    district = serializers.CharField(required=False, label=_("district (code)"))
    compare = serializers.ChoiceField(choices=["published"], required=False, label=_("compare"))
    format = serializers.ChoiceField(choices=["json", "api", "csv", "xlsx"], required=False)

    def validate_district(self, value: str) -> str:
        division = Division.objects.filter(code=value.strip()).select_related("successor").first()
        if division is None or division.level != DivisionLevel.DISTRICT:
            raise serializers.ValidationError(_("Enter the code of a district or county of Ningbo."))
        if division.is_historical:
            raise serializers.ValidationError(
                _("%(code)s is a historical code; use the current code %(current)s.")
                % {"code": division.code, "current": division.current.code}
            )
        return division.code

    def validate(self, attrs):
        attrs.setdefault("as_of", timezone.localdate())
        return attrs
