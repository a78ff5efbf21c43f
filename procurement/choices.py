from django.db import models
from django.utils.translation import gettext_lazy as _

# The city's per-project cap and the policy it comes from (the reply, section 二, 四是).
CAP_POLICY = "《宁波市政府向社会组织购买服务专项资金管理办法》"
CAP_POLICY_2021 = f"{CAP_POLICY}（2021年修订）"
TRANSFER_POLICY = "《关于推进宁波市政府职能向社会组织转移的实施意见》（2017年8月）"

# "近四年" of the reply, read as 2019–2022 (the reply is dated 2023-06-15 and names no years):
# an assumption, see docs/decisions/0051-four-year-total.md.
FOUR_YEARS_FROM = 2019
FOUR_YEARS_UNTIL = 2022

YEAR_MIN = 2000
YEAR_MAX = 2100


class ProjectStatus(models.TextChoices):
    OPEN = "open", _("Open for bids")
    AWARDED = "awarded", _("Awarded")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


# Projects the city has bought: what the totals count.
PURCHASED_STATUSES = (ProjectStatus.AWARDED, ProjectStatus.DELIVERED)


class DemandStatus(models.TextChoices):
    OPEN = "open", _("Open for responses")
    MATCHED = "matched", _("Taken")
    CLOSED = "closed", _("Closed")


# Batches of transferred functions are numbered from 1 with no upper bound: the reply's two batches
# (先后发布两批次) are data, and a third is a new number, not a new release of the code.
FIRST_BATCH = 1


class FunctionCategory(models.TextChoices):
    INDUSTRY = "industry", _("Industry management and service")
    SOCIAL_AFFAIRS = "social_affairs", _("Social affairs management and service")
    PROFESSIONAL = "professional", _("Professional and technical management and service")
