"""What every app shares: the history-keeping base model and the change history (`history`), the outbox
(`outbox`), the export log (`export_log`), access profiles and API tokens (`access`), idempotency keys
(`idempotency`). The models are named here, as every app's models are; helpers from their own module.

Why our own records rather than a history package: docs/decisions/0001-change-history.md.
"""

from core.models.access import AccessProfile, ApiToken
from core.models.export_log import ExportLog
from core.models.history import ChangeRecord, HistoryModel
from core.models.idempotency import IdempotencyKey
from core.models.outbox import OutboxEvent

__all__ = [
    "AccessProfile",
    "ApiToken",
    "ChangeRecord",
    "ExportLog",
    "HistoryModel",
    "IdempotencyKey",
    "OutboxEvent",
]
