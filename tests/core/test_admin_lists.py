"""The registry's admin lists fit a 1440-wide screen: no list has the year bar of `date_hierarchy`
(36 year links on the organizations list), each filters its date by a from–to range instead."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser

from core.admin_filters import DateRangeFilter
from core.choices import Role
from tests.conftest import make_user

DOMAIN_APPS = {"registry", "ratings", "platforms", "procurement", "reports"}


def domain_admins():
    return [model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label in DOMAIN_APPS]


def test_no_list_of_the_registry_has_the_year_bar():
    assert [type(model_admin).__name__ for model_admin in domain_admins() if model_admin.date_hierarchy] == []


@pytest.mark.parametrize(
    "model_path, field",
    [
        ("platforms.Platform", "opened_on"),
        ("platforms.StandardisationAssessment", "assessed_on"),
        ("procurement.PurchasedServiceProject", "awarded_on"),
        ("procurement.ServiceDemand", "published_on"),
        ("registry.AdministrativePenalty", "decided_on"),
    ],
)
def test_lists_that_had_the_year_bar_filter_their_date_by_a_range(model_path, field):
    from django.apps import apps

    model_admin = admin.site._registry[apps.get_model(model_path)]
    assert (field, DateRangeFilter) in list(model_admin.list_filter)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, since, until",
    [
        ("/admin/platforms/platform/", ("opened_on", "2020-01-01"), ("opened_on", "2020-12-31")),
        ("/admin/platforms/standardisationassessment/", ("assessed_on", "2022-01-01"), ("assessed_on", "")),
        ("/admin/procurement/purchasedserviceproject/", ("awarded_on", ""), ("awarded_on", "2022-12-31")),
        ("/admin/procurement/servicedemand/", ("published_on", ""), ("published_on", "2024-01-31")),
        ("/admin/registry/administrativepenalty/", ("decided_on", "2022-01-01"), ("decided_on", "2022-12-31")),
    ],
)
def test_a_clerk_filters_those_lists_by_a_date_range(client, path, since, until):
    client.force_login(make_user(Role.CLERK))
    query = f"{since[0]}__gte={since[1]}&{until[0]}__lte={until[1]}"
    response = client.get(f"{path}?{query}")
    # An unknown or invalid filter would redirect to ?e=1; the range is applied and shown in its form.
    assert response.status_code == 200
    page = response.content.decode()
    assert f'name="{since[0]}__gte"' in page and f'name="{until[0]}__lte"' in page
    for value in (since[1], until[1]):
        if value:
            assert f'value="{value}"' in page


def test_every_list_that_filters_a_date_by_range_shows_the_newest_first_unless_it_says_otherwise(rf):
    request = rf.get("/")
    for model_admin in domain_admins():
        ranges = [item[0] for item in model_admin.list_filter if isinstance(item, tuple) and item[1] is DateRangeFilter]
        if not ranges or model_admin.ordering:
            continue
        first, tie = model_admin.get_ordering(request)
        assert (first.expression.name, first.descending, first.nulls_last, tie) == (ranges[0], True, True, "-pk")


def test_a_division_shows_by_its_short_name_on_every_list_with_its_code_on_hover(rf):
    from registry.models import Division

    request = rf.get("/")
    request.user = AnonymousUser()  # what a list shows may depend on who reads it (masked ID numbers)
    district = Division(code="330212", name="鄞州区")
    shown = []
    for model_admin in domain_admins():
        for column in model_admin.get_list_display(request):
            name = getattr(column, "__name__", column)
            try:
                field = model_admin.model._meta.get_field(name)
            except Exception:
                continue
            if field.is_relation and field.concrete and field.related_model is Division:
                assert callable(column), f"{type(model_admin).__name__}.{name}"
                record = model_admin.model(**{name: district})
                assert column(record) == '<span class="registry-division" title="330212">鄞州区</span>'
                shown.append(f"{model_admin.model._meta.model_name}.{name}")
    assert {"platform.division", "department.division", "comprehensivepartycommittee.division"} <= set(shown)


@pytest.mark.django_db
def test_a_filter_on_divisions_offers_only_those_the_list_refers_to(client):
    from procurement.models import Department

    client.force_login(make_user(Role.CLERK))
    Department.objects.create(name="宁波市鄞州区民政局", division_id="330212")
    Department.objects.create(name="宁波市海曙区民政局", division_id="330203")
    page = client.get("/admin/procurement/department/").content.decode()
    assert "division__code__exact=330212" in page and "division__code__exact=330203" in page
    assert "division__code__exact=330204" not in page  # 江东区, historical, refers to no department
    assert "division__code__exact=330283" not in page  # 奉化市
    # A list whose filter named the field plainly: the published figures (by district, where given).
    page = client.get("/admin/reports/publishedfigure/").content.decode()
    assert "district__code__exact=330204" not in page
