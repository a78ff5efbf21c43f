"""The public register's pages (DESIGN §11): Chinese, no login, server-rendered, no script."""

from __future__ import annotations

import functools

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from public import selectors
from public.caching import cached_publicly
from ratings.choices import EvaluationStatus
from registry.choices import CreditList, DivisionLevel
from registry.models import Division

PAGE_SIZE = 20


def public_page(view):
    """Chinese whatever the browser asks (the public register is in Chinese), GET and HEAD only,
    rendered at once and cached publicly with its ETag."""

    @functools.wraps(view)
    @require_safe
    def wrapper(request, *args, **kwargs):
        with translation.override("zh-hans"):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        return cached_publicly(request, response)

    return wrapper


def page_of(request, queryset, size: int = PAGE_SIZE):
    """The requested page; an unparsable or out-of-range number shows the last or first page, never an error."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


@public_page
def search(request):
    query = request.GET.get("q", "").strip()
    context = {"query": query, "min_length": selectors.MIN_QUERY_LENGTH}
    if query:
        try:
            context["page"] = page_of(request, selectors.search_organizations(query))
        except selectors.QueryTooShort:
            context["too_short"] = True
    return render(request, "public/search.html", context)


@public_page
def organization(request, uscc: str):
    found = selectors.organization_by_code(uscc)
    if found is None:
        raise Http404
    return render(request, "public/organization.html", {"facts": selectors.organization_facts(found)})


@public_page
def credit_lists(request):
    kind = request.GET.get("list", CreditList.ABNORMAL)
    if kind not in CreditList.values:
        kind = CreditList.ABNORMAL
    page = page_of(request, selectors.credit_list_entries(kind))
    return render(
        request,
        "public/credit_lists.html",
        {"kind": kind, "kind_label": CreditList(kind).label, "lists": CreditList.choices, "page": page},
    )


@public_page
def townships(request):
    districts: dict = {}
    for township in selectors.townships():
        districts.setdefault(township.parent, []).append(township)
    return render(request, "public/townships.html", {"districts": districts.items()})


@public_page
def township(request, code: str):
    place = get_object_or_404(Division.objects.select_related("parent"), code=code, level=DivisionLevel.TOWNSHIP)
    page = page_of(request, selectors.township_filings(place))
    return render(request, "public/township.html", {"township": place, "page": page})


@public_page
def certificate(request, evaluation_id: int):
    evaluation = selectors.certificate(evaluation_id)
    if evaluation is None:
        raise Http404
    return render(
        request,
        "public/certificate.html",
        {
            "evaluation": evaluation,
            "organization": evaluation.organization,
            "status_label": EvaluationStatus(evaluation.status).label if evaluation.status else "",
            "valid": evaluation.status == EvaluationStatus.VALID,
            "today": timezone.localdate(),
        },
    )
