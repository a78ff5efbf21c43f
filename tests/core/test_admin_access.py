"""The admin: auditors read only (every registered page, inlines and actions included), only a
superuser deletes, a form opened before someone else's change is refused, and every record's history
page shows its change records."""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory

from core.admin.bases import ReadOnlyAdmin, RegistryAdmin
from core.choices import Role
from core.models import ChangeRecord
from registry.models import Organization
from tests.conftest import make_organization, make_user
from tests.core.conftest import admin_form_data
from tests.core.matrix_builders import load_all

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
BUILDERS = load_all()


def request_of(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("model, model_admin", REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_auditors_cannot_write_anywhere_in_the_admin(model, model_admin):
    request = request_of(make_user(Role.AUDITOR))
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    offered = model_admin.get_actions(request)
    writing = [name for name, (action, *_rest) in offered.items() if not getattr(action, "read_only_action", False)]
    assert writing == [], "an auditor is offered an action that writes"
    for inline_class in model_admin.inlines:
        inline = inline_class(model, admin.site)
        assert not inline.has_add_permission(request, None), inline_class
        assert not inline.has_change_permission(request), inline_class
        assert not inline.has_delete_permission(request), inline_class


@pytest.mark.parametrize("model, model_admin", REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_only_a_superuser_deletes_in_the_admin(model, model_admin):
    clerk_request = request_of(make_user(Role.CLERK))
    assert not model_admin.has_delete_permission(clerk_request)
    assert "delete_selected" not in model_admin.get_actions(clerk_request)
    for inline_class in model_admin.inlines:
        inline = inline_class(model, admin.site)
        assert not inline.has_delete_permission(clerk_request) or getattr(inline, "clerks_delete", False)


@pytest.mark.parametrize("model, model_admin", REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_district_systems_have_no_admin(model, model_admin):
    request = request_of(make_user(Role.DISTRICT, district="330212"))
    assert not model_admin.has_view_permission(request)
    assert not model_admin.has_module_permission(request)


@pytest.mark.parametrize("model, model_admin", REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_auditor_pages_are_read_only_over_http(auditor_browser, model, model_admin):
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    if not isinstance(model_admin, RegistryAdmin):  # Django's own pages (users, groups): not for auditors
        assert auditor_browser.get(base).status_code == 403
        assert auditor_browser.get(base + "add/").status_code == 403
        return
    assert auditor_browser.get(base).status_code == 200
    assert auditor_browser.get(base + "add/").status_code == 403
    builder = BUILDERS.get(model)
    if builder is None:
        pytest.skip(f"No matrix builder for {model._meta.label}: the change page is checked by permissions only")
    instance = builder.make("330212")
    if getattr(model_admin, "owner_only", False):  # seen by whoever made it (someone else here) and clerks
        assert auditor_browser.get(f"{base}{instance.pk}/change/").status_code == 403
        return
    before = type(instance)._base_manager.filter(pk=instance.pk).values().get()
    records = ChangeRecord.objects.count()
    page = auditor_browser.get(f"{base}{instance.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert auditor_browser.post(f"{base}{instance.pk}/change/", {}).status_code == 403
    assert auditor_browser.post(f"{base}{instance.pk}/delete/", {"post": "yes"}).status_code == 403
    assert auditor_browser.get(f"{base}{instance.pk}/history/").status_code == 200
    assert type(instance)._base_manager.filter(pk=instance.pk).values().get() == before
    assert ChangeRecord.objects.count() == records


def test_auditor_cannot_run_status_actions(auditor_browser):
    organization = make_organization()
    auditor_browser.post(
        "/admin/registry/organization/",
        {
            "action": "organization_deregister",
            "_selected_action": [organization.pk],
            "apply": "1",
            "date": "2023-01-01",
            "reason": "x",
        },
    )
    organization.refresh_from_db()
    assert organization.status == "active"


# --- no lost updates in the admin -----------------------------------------------------------------


def opened_form(browser, organization):
    page = browser.get(f"/admin/registry/organization/{organization.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<input type="hidden" name="registry_version" value="[^"]+"', html), "version not in the page"
    return admin_form_data(page)


def test_admin_refuses_a_form_whose_record_changed_since_it_was_opened(clerk_browser, clerk_api):
    organization = make_organization(address="原地址", legal_representative="张三")
    data = opened_form(clerk_browser, organization)
    meanwhile = clerk_api.patch(f"/api/v1/organizations/{organization.pk}/", {"address": "他人改的地址"}, format="json")
    assert meanwhile.status_code == 200
    data["legal_representative"] = "李四"
    response = clerk_browser.post(f"/admin/registry/organization/{organization.pk}/change/", data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "打开此表单之后" in text and "未保存" in text, text[:3000]
    organization.refresh_from_db()
    assert (organization.address, organization.legal_representative) == ("他人改的地址", "张三")


def test_admin_saves_a_form_whose_record_did_not_change(clerk_browser):
    organization = make_organization(legal_representative="张三")
    data = opened_form(clerk_browser, organization)
    data["legal_representative"] = "李四"
    response = clerk_browser.post(f"/admin/registry/organization/{organization.pk}/change/", data)
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.legal_representative == "李四"


# --- the history page -----------------------------------------------------------------------------


def test_history_page_shows_the_records_of_the_object_in_chinese(clerk_browser, auditor_browser, clerk_api):
    organization = make_organization(address="旧址甲")
    make_organization(address="别的组织")  # another record: its history must not show here
    clerk_api.patch(f"/api/v1/organizations/{organization.pk}/", {"address": "新址乙"}, format="json")
    for browser in (clerk_browser, auditor_browser):
        page = browser.get(f"/admin/registry/organization/{organization.pk}/history/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "变更历史" in text
        assert "旧址甲" in text and "新址乙" in text and "住所" in text  # the field's Chinese name
        assert "别的组织" not in text
        assert "content_type__id__exact=" in text  # a link to the full list


def test_change_page_links_to_the_history(clerk_browser):
    organization = make_organization()
    page = clerk_browser.get(f"/admin/registry/organization/{organization.pk}/change/").content.decode()
    assert f"/admin/registry/organization/{organization.pk}/history/" in page


def test_change_record_page_shows_a_readable_table(auditor_browser, clerk_api):
    organization = make_organization(address="旧址")
    clerk_api.patch(f"/api/v1/organizations/{organization.pk}/", {"address": "新址"}, format="json")
    record = ChangeRecord.objects.filter(content_type__model="organization", object_id=organization.pk).first()
    page = auditor_browser.get(f"/admin/core/changerecord/{record.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "旧址" in text and "新址" in text
    assert auditor_browser.get("/admin/core/changerecord/").status_code == 200
    assert Organization.objects.filter(pk=organization.pk).exists()


READ_ONLY = [(model, model_admin) for model, model_admin in REGISTERED if isinstance(model_admin, ReadOnlyAdmin)]


@pytest.mark.parametrize("model, model_admin", READ_ONLY, ids=[m._meta.label for m, _ in READ_ONLY])
def test_what_the_system_writes_or_works_out_is_read_only_even_for_a_superuser(model, model_admin):
    # Logs, jobs and computed lists (the overdue reporters are organizations: deleting one there would
    # delete the organization).
    superuser = make_user(Role.CLERK)
    superuser.is_superuser = True
    request = request_of(superuser)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
