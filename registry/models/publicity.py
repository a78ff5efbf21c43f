from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PublicRecord(models.Model):
    """A record of the public register (DESIGN §11): shown on the public pages, in the public API and in
    open data unless a clerk withholds it, with the reason. Organizations and filings are such records."""

    public = models.BooleanField(
        _("public"),
        default=True,
        db_default=True,
        help_text=_("Shown on the public register and in open data (clerks only)."),
    )
    not_public_reason = models.TextField(
        _("reason for not publishing"),
        blank=True,
        default="",
        db_default="",
        help_text=_("Required when the record is not public."),
    )

    # Only a clerk of the bureau writes these (core.access.check_write).
    clerk_only_fields = ("public", "not_public_reason")

    class Meta:
        abstract = True

    @staticmethod
    def not_public_has_reason(name: str) -> models.CheckConstraint:
        """The database's form of the rule of `publicity_errors`, for the model's Meta (under `name`)."""
        return models.CheckConstraint(
            condition=Q(public=True) | ~Q(not_public_reason=""),
            name=name,
            violation_error_message=_("A record that is not public needs the reason."),
        )

    def publicity_errors(self) -> dict[str, list[str]]:
        """A record withheld from the public needs the reason, said on the reason's field."""
        if not self.public and not self.not_public_reason.strip():
            return {"not_public_reason": [gettext("A record that is not public needs the reason.")]}
        return {}
