"""Matrix builders of the jobs app (tests/core/matrix_builders.py): a long export, done, of someone else."""

from django.core.files.base import ContentFile
from django.utils import timezone

from core.choices import Role
from jobs.exports import exports_storage
from jobs.models import ExportJob, ExportStatus
from tests.conftest import make_user
from tests.core.matrix_builders import MatrixBuilder, register


def done_export(district: str) -> ExportJob:
    """An export a district system of `district` asked for, done, with its file."""
    job = ExportJob.objects.create(
        requested_by=make_user(Role.DISTRICT, district=district, staff=False),
        resource="organizations",
        params={"district": district},
        file_format="csv",
        status=ExportStatus.DONE,
        finished=timezone.now(),
    )
    job.file = exports_storage().save(f"{job.pk}/matrix.csv", ContentFile("\ufeff名称\n".encode()))
    job.save(update_fields=["file"])
    return job


register(
    MatrixBuilder(
        model=ExportJob,
        make=done_export,
        create_payload=lambda district: {
            "resource": "organizations",
            "params": {"district": district},
            "format": "csv",
        },
    )
)
