from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalKind(models.TextChoices):
    LIST_ABNORMAL = "list_abnormal", _("List on the abnormal-activity list")
    REMOVE_ABNORMAL = "remove_abnormal", _("Remove from the abnormal-activity list")
    TRANSFER_SERIOUS = "transfer_serious", _("Transfer to the serious-violation list")
    REMOVE_SERIOUS = "remove_serious", _("Remove from the serious-violation list")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Awaiting decision")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class CalendarSource(models.TextChoices):
    PACKAGE = "chinese_calendar", _("Official calendar (chinese-calendar package)")
    WEEKENDS = "weekends", _("Weekends only (entered by a clerk)")
