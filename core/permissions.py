from rest_framework import permissions

from core.access import principal_of
from core.choices import Role


class RolePermission(permissions.BasePermission):
    """Anonymous: nothing. Every role reads (or the roles a view names in `reader_roles`); clerks and
    district systems write (jurisdiction is checked on the record itself, inside the write's
    transaction: see core.access.check_write); a reinstate is for clerks only (core.access.check_reinstate,
    on the one action path: RegistryViewSet.run_status_action)."""

    def has_permission(self, request, view):
        principal = principal_of(request.user)
        if principal.role is None:
            return False
        readers = getattr(view, "reader_roles", None)
        if readers is not None and principal.role not in readers:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return principal.can_write


# The change history and the export log: clerks and auditors (DESIGN §5).
HISTORY_READERS = frozenset({Role.CLERK, Role.AUDITOR})
