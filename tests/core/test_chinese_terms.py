"""The Chinese a Ningbo clerk reads: the terms of the 2020 《政府购买服务管理办法》 and the bureau's own
role names, never 立项 for an award, 余数 for "150余" or 仪表板."""

import pytest
from django.utils import translation

from core.choices import Role
from procurement.choices import ProjectStatus
from ratings.choices import HundredBestList
from reports.choices import Comparison

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("source", "chinese"),
    [
        (ProjectStatus.AWARDED.label, "已签约"),
        ("purchasing department", "购买主体"),
        ("provider", "承接主体"),
        ("awarded on", "签约日期"),
        (Role.CLERK.label, "市局登记管理人员"),
        (Role.AUDITOR.label, "监督查询人员"),
        ("Statistics dashboard", "统计概览"),
        (HundredBestList.ORGANIZATION.label, "百佳社区社会组织"),
        (HundredBestList.LEADER.label, "百佳负责人"),
        (HundredBestList.CASE.label, "百佳优秀工作案例"),
    ],
)
def test_the_admin_speaks_the_bureaus_terms(source, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(str(source)) == chinese


def test_no_translation_uses_the_words_a_clerk_would_stumble_on():
    with translation.override("zh-hans"):
        words = [
            translation.gettext(str(label))
            for label in [*ProjectStatus.labels, *Comparison.labels, *Role.labels, "Statistics dashboard"]
        ]
    for word in words:
        assert not any(term in word for term in ("立项", "余数", "办事员", "审计员", "仪表板")), word
