"""List pages are rendered by a plan made once per page (core/api/planned_lists.py); the output must be
exactly what DRF's field-by-field rendering gives, for every list serializer of the API."""

import datetime

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from core.api.planned_lists import PlannedListSerializer
from core.api.serializers import RegistrySerializer
from core.choices import Role
from registry.api.serializers import CommunityOrganizationSerializer, OrganizationSerializer
from registry.models import CommunityOrganization, Organization
from tests.conftest import make_organization, make_user
from tests.registry.builders import make_annual_report, make_credit_entry, make_filing, make_party_organization

pytestmark = pytest.mark.django_db


def request_of(user):
    request = APIRequestFactory().get("/")
    request.user = user
    return request


def rendered_both_ways(serializer_class, instances, user):
    context = {"request": request_of(user)}
    page = serializer_class(instances, many=True, context=context)
    assert isinstance(page, PlannedListSerializer)
    one_by_one = [serializer_class(instance, context=context).data for instance in instances]
    return page.data, one_by_one


def test_organization_page_renders_as_drf_does_with_registry_facts():
    listed = make_organization(registered_by="330212", domicile_id="330212", field="charity")
    make_credit_entry(listed)
    make_annual_report(listed)
    make_party_organization(listed)
    make_organization(registered_by="330200", registered_on=datetime.date(2001, 2, 3))
    make_organization(registered_by="330203", phone="")
    from registry import selectors

    instances = list(selectors.organizations_with_registry_facts(Organization.objects.order_by("id")))
    for user in (make_user(Role.CLERK), make_user(Role.DISTRICT, district="330203", staff=False)):
        page, one_by_one = rendered_both_ways(OrganizationSerializer, instances, user)
        assert page == one_by_one
    assert any(row["credit_lists"] for row in page) and any(row["latest_annual_report"] for row in page)


def test_filing_page_renders_as_drf_does_and_masks_other_districts_contacts():
    make_filing(contact_phone="13812345678", last_active_on=datetime.date(2023, 1, 2))
    make_filing(urban=False, contact_phone="")
    instances = list(CommunityOrganization.objects.select_related("township").order_by("id"))
    haishu = make_user(Role.DISTRICT, district="330203", staff=False)
    page, one_by_one = rendered_both_ways(CommunityOrganizationSerializer, instances, haishu)
    assert page == one_by_one
    assert page[0]["contact_phone"] == "138****5678"


def test_serializer_with_its_own_row_rendering_keeps_it_in_lists():
    class Shouting(OrganizationSerializer):
        renders_rows_by_plan = False

        def to_representation(self, instance):
            data = super().to_representation(instance)
            data["name"] = data["name"].upper() + "!"
            return data

    make_organization(name="abc")
    page = Shouting(Organization.objects.all(), many=True, context={"request": request_of(make_user(Role.CLERK))})
    assert page.data[0]["name"] == "ABC!"


def test_serializer_with_its_own_row_rendering_must_say_so():
    with pytest.raises(TypeError, match="renders_rows_by_plan"):

        class Silent(OrganizationSerializer):
            def to_representation(self, instance):
                return {}


def test_meta_list_serializer_class_still_wins():
    class Custom(serializers.ListSerializer):
        pass

    class WithOwnList(RegistrySerializer):
        class Meta:
            model = Organization
            fields = ["id", "name"]
            list_serializer_class = Custom

    assert type(WithOwnList([], many=True)) is Custom


def test_fields_read_through_a_method_or_an_annotation_are_rendered_by_drf():
    class WithDisplay(RegistrySerializer):
        type_display = serializers.CharField(source="get_org_type_display", read_only=True)
        latest_report_year = serializers.IntegerField(read_only=True, allow_null=True)

        class Meta:
            model = Organization
            fields = ["id", "org_type", "type_display", "latest_report_year"]

    from registry import selectors

    make_organization(org_type="foundation")
    instances = list(selectors.organizations_with_registry_facts(Organization.objects.all()))
    page, one_by_one = rendered_both_ways(WithDisplay, instances, make_user(Role.CLERK))
    assert page == one_by_one
    assert page[0]["type_display"] == str(Organization(org_type="foundation").get_org_type_display())
