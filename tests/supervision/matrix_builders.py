"""Supervision's builders for the role × resource × method matrix (tests/core/test_matrix.py)."""

import datetime
import itertools

from supervision.models import ReportDeadline, SupervisionProposal
from tests.core.matrix_builders import MatrixBuilder, register
from tests.supervision.builders import make_deadline, make_proposal

_years = itertools.cycle(range(1950, 2024))  # two a test at most, each in its own transaction


def _deadline(district: str) -> ReportDeadline:
    year = next(_years)
    return make_deadline(year=year, deadline=datetime.date(year + 1, 5, 31))


register(
    MatrixBuilder(
        model=ReportDeadline,
        make=_deadline,
        create_payload=lambda district: {"year": (year := next(_years)), "deadline": f"{year + 1}-06-30"},
        patch_payload=lambda row: {"deadline": f"{row.year + 1}-06-15"},
        city_only=True,
        cannot_move="a deadline is the city bureau's, never a district's",
    )
)


def _proposal_ids(district: str) -> dict:
    return {"ids": [make_proposal(district=district).pk], "decision_number": "甬民罚〔2025〕1号", "date": "2025-06-05"}


register(
    MatrixBuilder(
        model=SupervisionProposal,
        make=lambda district: make_proposal(district=district),
        actions={
            "confirm": lambda proposal: {"decision_number": "甬民罚〔2025〕1号", "date": "2025-06-05"},
            "dismiss": lambda proposal: {"reason": "矩阵测试：已核实另有原因"},
            "confirm_all": _proposal_ids,
        },
    )
)
