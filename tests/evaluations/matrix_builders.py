"""The evaluation procedure's builders for the role × resource × method matrix (tests/core/test_matrix.py).

A record "of a district" is a round that district runs, or an application (objection) of an
organization it registered, in its own round.
"""

import itertools

from evaluations import services
from evaluations.choices import ApplicationStatus
from evaluations.models import EvaluationApplication, EvaluationRound, Objection
from tests.core.matrix_builders import MatrixBuilder, register
from tests.evaluations.builders import (
    ACCEPTED_ON,
    NOTICE_FROM,
    SCORED_ON,
    eligible_organization,
    make_application,
    make_objection,
    make_round,
)

_serial = itertools.count(1)


def round_payload(district: str) -> dict:
    return {
        "year": 2023,
        "name": f"矩阵测试评估批次{next(_serial)}",
        "authority": district,
        "applications_from": "2023-01-01",
        "applications_until": "2023-12-31",
    }


register(
    MatrixBuilder(
        model=EvaluationRound,
        make=lambda district: make_round(district),
        create_payload=round_payload,
        patch_payload=lambda round_: {"name": f"矩阵测试改名批次{next(_serial)}"},
        move_payload=lambda round_, district: {"authority": district},
    )
)


def accepted(application: EvaluationApplication) -> EvaluationApplication:
    return services.application_accept(application=application, on=ACCEPTED_ON, actor=None)


def scored(application: EvaluationApplication) -> EvaluationApplication:
    return services.application_score(application=accepted(application), on=SCORED_ON, score="930", actor=None)


def published(application: EvaluationApplication) -> EvaluationApplication:
    return services.application_publish(application=scored(application), on=NOTICE_FROM, actor=None)


def application_of(district: str) -> EvaluationApplication:
    return make_application(eligible_organization(district))


register(
    MatrixBuilder(
        model=EvaluationApplication,
        make=application_of,
        create_payload=lambda district: {
            "round": make_round(district).pk,
            "organization": eligible_organization(district).pk,
            "applied_on": "2023-03-01",
        },
        patch_payload=lambda application: {"applied_on": "2023-03-02"},
        cannot_move="an application stays with its organization and round (withdraw it and apply anew)",
        actions={
            "accept": lambda application: {"date": ACCEPTED_ON.isoformat()},
            "refuse": lambda application: {"date": ACCEPTED_ON.isoformat(), "reason": "矩阵测试：材料不全"},
            "score": lambda application: accepted(application) and {"score": "930", "date": SCORED_ON.isoformat()},
            "publish": lambda application: scored(application) and {"date": NOTICE_FROM.isoformat()},
            "conclude": lambda application: published(application) and {"date": "2023-05-10"},
            "withdraw": lambda application: {"date": ACCEPTED_ON.isoformat(), "reason": "矩阵测试：自愿撤回"},
        },
    )
)


def objection_payload(district: str) -> dict:
    application = make_application(eligible_organization(district), status=ApplicationStatus.PUBLIC_NOTICE)
    return {"application": application.pk, "filed_on": "2023-05-03", "grounds": "矩阵测试：对得分有异议"}


register(
    MatrixBuilder(
        model=Objection,
        make=lambda district: make_objection(district=district),
        create_payload=objection_payload,
        patch_payload=lambda objection: {"grounds": "矩阵测试：补充异议理由"},
        cannot_move="an objection stays with the application it was filed against",
        actions={"decide": lambda objection: {"date": "2023-05-10", "decision": "矩阵测试：维持原评估结果"}},
    )
)
