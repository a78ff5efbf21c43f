from django.db import models
from django.utils.translation import gettext_lazy as _

# The city's per-project cap and the policy it comes from (the reply, section 二, 四是).
CAP_POLICY = "《宁波市政府向社会组织购买服务专项资金管理办法》"
CAP_POLICY_2021 = f"{CAP_POLICY}（2021年修订）"
TRANSFER_POLICY = "《关于推进宁波市政府职能向社会组织转移的实施意见》（2017年8月）"

YEAR_MIN = 2000
YEAR_MAX = 2100


class ProjectStatus(models.TextChoices):
    OPEN = "open", _("Open for bids")
    AWARDED = "awarded", _("Awarded")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


# Projects the city has bought: what the totals count.
PURCHASED_STATUSES = (ProjectStatus.AWARDED, ProjectStatus.DELIVERED)


class FundingSource(models.TextChoices):
    """Whose money pays for a project (docs/decisions/0150-caps-bind-the-city-special-fund.md)."""

    CITY_SPECIAL_FUND = "city_special_fund", _("City special fund for purchasing services from social organizations")
    CITY_BUDGET = "city_budget", _("Other city budget")
    DISTRICT_BUDGET = "district_budget", _("District budget")


# The per-project cap is a rule of the city finance bureau's special fund (CAP_POLICY): it binds the
# projects that fund pays for, not a district department spending its own district's budget.
CAPPED_FUNDING_SOURCES = (FundingSource.CITY_SPECIAL_FUND,)
# The reply's "近四年…303个、6289.25万元" follows the sentence on that fund: the city's figure counts
# the projects the special fund paid for.
CITY_FIGURE_FUNDING_SOURCES = (FundingSource.CITY_SPECIAL_FUND,)


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
