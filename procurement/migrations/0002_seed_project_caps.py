"""Seed the per-project caps the reply gives (section 二, 四是): "2021年市财政局修订《宁波市政府向社会组织
购买服务专项资金管理办法》，将'每个项目购买金额原则上不超过20万'，提高到'不超过25万'".

The reply gives no start date for the 200,000 cap: it is seeded from 2017-01-01 (the year of the
city's policy on transferring functions, and before every year the reply's figures cover), an
assumption recorded in docs/decisions/0050-project-cap-by-year.md. The revision is dated by its
year only: it is seeded from 2021-01-01. Clerks add earlier or later caps in the admin.
"""

import datetime
from decimal import Decimal

from django.db import migrations

POLICY = "《宁波市政府向社会组织购买服务专项资金管理办法》"
CAPS = [
    (
        datetime.date(2017, 1, 1),
        Decimal("200000.00"),
        POLICY,
        "答复：每个项目购买金额原则上不超过20万元（2021年修订前）。起始日期答复未载明，本系统按2017年1月1日录入（假设）。",
    ),
    (
        datetime.date(2021, 1, 1),
        Decimal("250000.00"),
        POLICY + "（2021年修订）",
        "答复：2021年市财政局修订该办法，上限提高到不超过25万元。答复只载明年份，按2021年1月1日起施行录入。",
    ),
]


def seed(apps, schema_editor):
    ProjectCap = apps.get_model("procurement", "ProjectCap")
    for effective_from, amount, policy, note in CAPS:
        ProjectCap.objects.get_or_create(
            effective_from=effective_from, defaults={"amount": amount, "policy": policy, "note": note}
        )


def unseed(apps, schema_editor):
    ProjectCap = apps.get_model("procurement", "ProjectCap")
    ProjectCap.objects.filter(effective_from__in=[row[0] for row in CAPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
