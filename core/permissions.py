from rest_framework import permissions

from core.access import principal_of


class RolePermission(permissions.BasePermission):
    """Anonymous: nothing. Every role reads; clerks and district systems write (jurisdiction is
    checked on the record itself, inside the write's transaction: see core.access.check_write)."""

    def has_permission(self, request, view):
        principal = principal_of(request.user)
        if principal.role is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(view, "clerk_only_action", False):
            return principal.role == "clerk" and principal.can_write
        return principal.can_write


class HistoryReaderPermission(permissions.BasePermission):
    """Change history and the export log: clerks and auditors only, read only."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS and principal_of(request.user).reads_history
