"""The admin's import page: upload, a dry run that lists every error, then the import of the file
reviewed (signed, so the confirmed file is the one checked)."""

from __future__ import annotations

import base64
import zlib

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports.resources import api_resource_for, record_code_field
from core.imports.files import MAX_FILE_BYTES, max_rows
from core.imports.tables import TableImport

SIGNING_SALT = "core.imports"


# The reviewed file stays valid for confirmation this long.
CONFIRM_MAX_AGE_SECONDS = 3600


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or Excel .xlsx)"))


def _sign_file(name: str, content: bytes, user) -> str:
    data = base64.b64encode(zlib.compress(content)).decode("ascii")
    return signing.dumps({"name": name, "data": data, "user": user.pk}, salt=SIGNING_SALT)


def _unsign_file(token: str, user) -> tuple[str, bytes]:
    payload = signing.loads(token, salt=SIGNING_SALT, max_age=CONFIRM_MAX_AGE_SECONDS)
    if payload.get("user") != user.pk:
        raise signing.BadSignature("another user's file")
    return payload["name"], zlib.decompress(base64.b64decode(payload["data"]))


class ImportAdminMixin:
    """For RegistryAdmin: an "Import from a file" page for clerks, on admins with `importable = True`."""

    importable = False
    # The column that says which record a row is; by default the API list's `bulk_key`.
    import_key: str | None = None

    def get_urls(self):
        urls = super().get_urls()
        if not self.importable:
            return urls
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        return [path("import/", self.admin_site.admin_view(self.import_view), name=name), *urls]

    def may_import(self, request) -> bool:
        return self.importable and self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra = dict(extra_context or {})
        if self.may_import(request):
            extra["registry_import_url"] = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return super().changelist_view(request, extra)

    def table_import(self, request) -> TableImport:
        resource = api_resource_for(self.model)
        if resource is None:
            raise ImproperlyConfigured(f"{self.model.__name__} has no API list to import through")
        viewset = resource.viewset_for(request, action="bulk")
        key = self.import_key or record_code_field(self.model)
        if not key:
            raise ImproperlyConfigured(f"{resource.viewset_class.__name__} names no bulk_key to import by")
        queryset = viewset.get_bulk_queryset() if hasattr(viewset, "get_bulk_queryset") else viewset.get_queryset()
        return TableImport(serializer=viewset.get_serializer(), key=key, queryset=queryset, actor=request.user)

    def import_view(self, request):
        if not self.may_import(request):
            raise PermissionDenied
        changelist_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        form = ImportUploadForm()
        report = token = None
        file_name = ""
        if request.method == "POST" and "confirm" in request.POST:
            try:
                file_name, content = _unsign_file(request.POST.get("token", ""), request.user)
            except (signing.BadSignature, ValueError, zlib.error):
                messages.error(request, _("The reviewed file has expired or was altered; upload it again."))
                return HttpResponseRedirect(request.path)
            report = self.table_import(request).run(file_name, content, commit=True)
            if report.written:
                self.message_user(
                    request,
                    _("Imported %(name)s: %(created)d created, %(updated)d updated.")
                    % {"name": file_name, "created": report.created, "updated": report.updated},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(changelist_url)
        elif request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                file_name = upload.name
                if upload.size > MAX_FILE_BYTES:
                    form.add_error(
                        "file", _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
                    )
                else:
                    content = upload.read()
                    report = self.table_import(request).run(file_name, content, commit=False)
                    if report.ok:
                        token = _sign_file(file_name, content, request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %(model)s from a file") % {"model": self.opts.verbose_name_plural},
            "opts": self.opts,
            "form": form,
            "report": report,
            "token": token,
            "file_name": file_name,
            "changelist_url": changelist_url,
            "max_rows": max_rows(),
        }
        return TemplateResponse(request, "admin/core/import.html", context)
