"""The evaluation procedure (民政部令第39号): statuses of an application, and the statutory periods."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# 39号令 art. 21: the public notice (公示) of the proposed grades lasts at least 7 days; a round may set more.
DEFAULT_PUBLIC_NOTICE_DAYS = 7
# The review of an objection (复核) is decided within 15 days of its filing (docs/decisions/0220-…).
OBJECTION_REVIEW_DAYS = 15
# Default grade thresholds of a 1,000-point round (浙江省社会组织评估: 5A 900, 4A 800, 3A 700, 2A 600, 1A 500).
DEFAULT_THRESHOLDS = {5: 900, 4: 800, 3: 700, 2: 600, 1: 500}
# The worklist's "invite to apply": ratings that lapse within these many days.
INVITE_WITHIN_DAYS = (90, 180)


class ApplicationStatus(models.TextChoices):
    """Where an application stands; it moves only by the actions of the API or the admin."""

    APPLIED = "applied", _("Applied")
    REFUSED = "refused", _("Refused")
    ACCEPTED = "accepted", _("Accepted")
    SCORED = "scored", _("Scored")
    PUBLIC_NOTICE = "public_notice", _("In public notice")
    CONCLUDED = "concluded", _("Concluded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The statuses an application may still be withdrawn from (any not yet decided).
OPEN_STATUSES = frozenset(
    {ApplicationStatus.APPLIED, ApplicationStatus.ACCEPTED, ApplicationStatus.SCORED, ApplicationStatus.PUBLIC_NOTICE}
)


class WaitingOn(models.TextChoices):
    """The step an application waits on today: the worklist of each step (API filter and admin)."""

    ACCEPT = "accept", _("acceptance")
    SCORE = "score", _("scoring")
    PUBLISH = "publish", _("public notice")
    NOTICE = "notice", _("the end of the public notice")
    CONCLUDE = "conclude", _("conclusion")
