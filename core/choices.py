from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk (city bureau)")
    DISTRICT = "district", _("District system")
    AUDITOR = "auditor", _("Auditor")
    TOWNSHIP = "township", _("Township filing desk")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")


class ChangeSource(models.TextChoices):
    ADMIN = "admin", _("Admin")
    API = "api", _("API")
    BULK = "bulk", _("Bulk sync")
    IMPORT = "import", _("Import")
    COMMAND = "command", _("Management command")
    SYSTEM = "system", _("System")
