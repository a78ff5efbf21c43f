"""Builders for the role × resource × method matrix (tests/core/test_matrix.py).

The matrix walks every viewset registered on every app's API router. For each resource it needs a
way to make a record that belongs to a given district and the request bodies that write one; a
resource whose model has no builder here is SKIPPED WITH A REASON (never silently passed).

Each app registers builders for its own models in `tests/<app>/matrix_builders.py`:

    from tests.core.matrix_builders import MatrixBuilder, register

    register(MatrixBuilder(
        model=Evaluation,
        make=lambda district: make_evaluation(organization=make_organization(registered_by_id=district)),
        create_payload=lambda district: {"organization": make_organization(registered_by_id=district).pk, ...},
        patch_payload=lambda evaluation: {"score": "91.50"},
        move_payload=lambda evaluation, district: {"organization": make_organization(registered_by_id=district).pk},
        actions={"revoke": lambda evaluation: {"date": "2024-01-01", "reason": "matrix"}},
    ))

A model with guarded links (`HistoryModel.guarded_links`: docs/decisions/0100-links-across-districts.md)
names a `LinkBuilder` for each in `links`: the bodies that link a record of one district to a record
of another, so the matrix tries every link to the client's own district and to another one.

`make(district)` saves a record of that district as the system would (no actor). Payload builders
may prepare the record (e.g. deregister it before a `reinstate`) and return the JSON body; the body
of a list-level action (`bulk`) is made from the district code instead of a record. The PUT
body defaults to the record's writable fields as a clerk reads them, with `patch_payload` applied.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
from collections.abc import Callable

from django.apps import apps
from django.conf import settings

from core.choices import Role
from core.models import AccessProfile, ApiToken, ChangeRecord, ExportLog
from registry.choices import OrgType
from registry.models import Division, Organization
from tests.conftest import make_organization, make_uscc, make_user

OWN_DISTRICT = "330212"  # 鄞州区: the district client of the matrix
OTHER_DISTRICT = "330203"  # 海曙区
OWN_TOWNSHIP = "330212001"  # 下应街道 (鄞州区): the township filing desk of the matrix


@dataclasses.dataclass
class LinkBuilder:
    """Bodies that link to a record of `district`: `patch(record, district)` for an existing record,
    `create(own, district)` for a new record of district `own`; `no_create` says why a new record
    cannot carry the link (the create case is skipped with that reason)."""

    patch: Callable[[object, str], dict] | None = None
    create: Callable[[str, str], dict] | None = None
    no_create: str = ""


@dataclasses.dataclass
class MatrixBuilder:
    model: type
    make: Callable[[str], object]
    create_payload: Callable[[str], dict] | None = None
    patch_payload: Callable[[object], dict] | None = None
    move_payload: Callable[[object, str], dict] | None = None
    put_payload: Callable[[object], dict] | None = None
    actions: dict[str, Callable[[object], dict]] = dataclasses.field(default_factory=dict)
    # Statuses of successful actions other than 200 (e.g. {"downgrade": 201}: it answers a new record).
    action_status: dict[str, int] = dataclasses.field(default_factory=dict)
    # Why a record of this model cannot be moved to another district at all (the move cases are skipped).
    cannot_move: str = ""
    # Records of the city bureau only, whatever `make` is given: no district system writes any of them.
    city_only: bool = False
    # Records a township filing desk writes in its own township (DESIGN §9: filings); `make(OWN_DISTRICT)`
    # and the payloads for OWN_DISTRICT then lie in OWN_TOWNSHIP, the desk's township.
    township_writes: bool = False
    # One per guarded link of the model, by field name.
    links: dict[str, LinkBuilder] = dataclasses.field(default_factory=dict)


BUILDERS: dict[type, MatrixBuilder] = {}


def register(builder: MatrixBuilder) -> MatrixBuilder:
    BUILDERS[builder.model] = builder
    return builder


def load_all() -> dict[type, MatrixBuilder]:
    """Import `tests.<app>.matrix_builders` of every project app, so each registers its builders."""
    for config in apps.get_app_configs():
        if not str(config.path).startswith(str(settings.BASE_DIR)) or config.label == "core":
            continue
        try:
            importlib.import_module(f"tests.{config.label}.matrix_builders")
        except ModuleNotFoundError as error:
            if error.name not in {f"tests.{config.label}", f"tests.{config.label}.matrix_builders"}:
                raise
    return BUILDERS


# --- the foundation's resources -------------------------------------------------------------------


def organization_payload(district: str) -> dict:
    return {
        "uscc": make_uscc(OrgType.SOCIAL_GROUP, district),
        "name": f"矩阵测试协会{make_uscc()[-6:]}",
        "org_type": OrgType.SOCIAL_GROUP,
        "registered_by": district,
        "registered_on": "2019-04-01",
        "phone": "13900001111",
    }


def deregistered(organization: Organization) -> dict:
    from registry.services import organization_deregister

    organization_deregister(organization=organization, on=datetime.date(2023, 1, 2), reason="matrix", actor=None)
    return {"reason": "矩阵测试：登记错误"}


register(
    MatrixBuilder(
        model=Organization,
        make=lambda district: make_organization(registered_by_id=district),
        create_payload=organization_payload,
        patch_payload=lambda organization: {"address": "矩阵测试路1号"},
        move_payload=lambda organization, district: {"registered_by": district, "domicile": district},
        actions={
            "deregister": lambda organization: {"date": "2023-01-31", "reason": "矩阵测试：自行解散"},
            "revoke": lambda organization: {"date": "2023-01-31", "reason": "矩阵测试：违法"},
            "reinstate": deregistered,
            "bulk": lambda district: [organization_payload(district), organization_payload(district)],
        },
        links={
            "domicile": LinkBuilder(
                # The matrix's records are domiciled where they are registered: the address changes too.
                patch=lambda organization, district: {"domicile": district, "address": "矩阵测试路2号"},
                create=lambda own, district: {**organization_payload(own), "domicile": district},
            )
        },
    )
)

register(MatrixBuilder(model=Division, make=lambda district: Division.objects.get(code=district)))


def change_record_of(district: str) -> ChangeRecord:
    organization = make_organization(registered_by_id=district)
    return ChangeRecord.objects.filter(object_id=organization.pk).first()


register(MatrixBuilder(model=ChangeRecord, make=change_record_of))
register(
    MatrixBuilder(
        model=ExportLog,
        make=lambda district: ExportLog.record(
            resource="organizations", file_format="csv", filters={"district": district}, row_count=3
        ),
    )
)


# Not API resources, but the admin tests use these to open their pages.


def api_client_profile(district: str) -> AccessProfile:
    user = make_user(Role.DISTRICT, district=district, staff=False)
    return user.access_profile


register(MatrixBuilder(model=AccessProfile, make=api_client_profile))
register(MatrixBuilder(model=ApiToken, make=lambda district: ApiToken.issue(user=api_client_profile(district).user)[0]))
