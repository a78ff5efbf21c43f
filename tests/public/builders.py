import datetime

from ratings.models import Evaluation
from registry.choices import CreditList
from registry.models import CreditListEntry
from tests.conftest import make_organization


def make_rated_organization(*, grade: int = 4, concluded_on=datetime.date(2022, 6, 1), **fields):
    organization = make_organization(**fields)
    evaluation = Evaluation(organization=organization, grade=grade, concluded_on=concluded_on)
    evaluation.full_clean()
    evaluation.save()
    return organization, evaluation


def list_organization(
    organization, *, kind=CreditList.ABNORMAL, listed_on=datetime.date(2023, 3, 1), reason="未按规定报送年度工作报告"
):
    entry = CreditListEntry(organization=organization, list_kind=kind, listed_on=listed_on, reason=reason)
    entry.full_clean()
    entry.save()
    return entry
