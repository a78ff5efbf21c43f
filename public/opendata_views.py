"""`/open-data/`: the releases, newest first, and their files (public.opendata writes them)."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from public import opendata
from public.views import public_page

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".jsonl": "application/jsonl; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    "": "text/plain; charset=utf-8",
}


@public_page
def index(request):
    rows = []
    for release in opendata.releases():
        try:
            manifest = opendata.manifest_of(release)
        except (OSError, ValueError):
            continue  # a release being replaced, or not one of ours
        files = sorted(path.name for path in release.iterdir() if opendata.FILE_NAME.fullmatch(path.name))
        rows.append({"date": release.name, "counts": manifest["counts"], "files": files})
    return render(request, "public/open_data.html", {"releases": rows, "keep": settings.OPEN_DATA_KEEP})


@require_safe
def release_file(request, release: str, name: str):
    if not opendata.RELEASE_NAME.fullmatch(release) or not opendata.FILE_NAME.fullmatch(name):
        raise Http404
    path = opendata.releases_root() / release / name
    if not path.is_file():
        raise Http404
    suffix = "" if name == "SHA256SUMS" else path.suffix
    response = FileResponse(open(path, "rb"), content_type=CONTENT_TYPES[suffix])
    if suffix in {".csv", ".jsonl"}:
        response["Content-Disposition"] = f'attachment; filename="ningbo-{release}-{name}"'
    # A release never changes once written (a rerun of the same day replaces it whole): cache for a day.
    patch_cache_control(response, public=True, max_age=86400)
    return response
