"""The change history as a clerk reads it: titles in Beijing time, references by name (and credit
code), the record-type filter naming the registry's records in Chinese."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from core.admin.history import describe_changes
from core.choices import Role
from core.models import ChangeRecord
from ratings.models import Evaluation
from registry.models import Organization
from tests.conftest import make_organization, make_user
from tests.ratings.builders import make_evaluation

pytestmark = pytest.mark.django_db
LIST = "/admin/core/changerecord/"


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


def test_a_change_records_title_is_in_beijing_time():
    organization = make_organization()
    record = ChangeRecord.objects.filter(object_id=organization.pk).first()
    record.time = datetime.datetime(2024, 3, 1, 17, 30, tzinfo=datetime.UTC)
    assert str(record).startswith("2024-03-02 01:30 ")


def test_a_reference_is_shown_by_name_and_credit_code_not_by_key():
    organization = make_organization(registered_by="330212")
    rows = describe_changes(Evaluation, {"organization": [None, organization.pk]})
    assert rows == [("社会组织", "—", f"{organization.name}（{organization.uscc}）")]
    (row,) = describe_changes(Organization, {"registered_by": ["330203", "330212"]})
    assert row[1:] == ("海曙区（330203）", "鄞州区（330212）")


def test_the_record_type_filter_lists_the_registrys_records_in_chinese(clerk_browser):
    make_evaluation(grade=4, concluded_on=datetime.date(2024, 3, 1))
    text = clerk_browser.get(LIST).content.decode()
    assert "?content_type__id__exact=" in text and ">评估等级</a>" in text and ">社会组织</a>" in text
    for internal in ("content type", "内容类型", "日志记录", "权限</a>", "会话"):
        assert internal not in text
    organizations = ContentType.objects.get_for_model(Organization)
    filtered = clerk_browser.get(LIST, {"content_type__id__exact": organizations.pk})
    assert all(record.content_type_id == organizations.pk for record in filtered.context["cl"].result_list)
