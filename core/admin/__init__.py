"""The admin: the bases every app's admin builds on (`bases`), the actions that ask for a date and a
reason (`actions`), change records as people read them (`history`), and core's own pages: the logs
(`logs`) and access (`accounts`: API tokens, access profiles, login locks).

Clerks write, auditors only read (no add, change, delete or writing action, inlines included), only
a superuser deletes; change forms refuse to save over a change made since they were opened; every
object's "history" page shows its change records.
"""

# Django's autodiscovery imports this module: core's own pages register here.
from core.admin import accounts, logs  # noqa: F401
