"""Who is changing the registry, through which door, and why: carried to every save by a contextvar.

The request middleware, the API views, management commands and services set it; the history and
jurisdiction checks in `core.models.HistoryModel.save` read it. So a change made through any door is
attributed and checked the same way.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from core.choices import ChangeSource


@dataclasses.dataclass(frozen=True)
class ChangeContext:
    actor: Any = None
    source: str = ChangeSource.SYSTEM
    request_id: str = ""
    message: str = ""
    request: Any = None
    # Who to name when there is no user account behind a change (a management command's OS user).
    actor_label: str = ""

    def resolved_actor(self):
        """The acting user: given explicitly, or the request's user once authentication has run."""
        if self.actor is not None:
            return self.actor
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


# ChangeContext is a frozen dataclass: a shared default cannot be mutated.
_current: ContextVar[ChangeContext] = ContextVar("registry_change_context", default=ChangeContext())  # noqa: B039


def current_context() -> ChangeContext:
    return _current.get()


@contextlib.contextmanager
def change_context(**changes: Any) -> Iterator[ChangeContext]:
    """Run a block with some parts of the change context replaced (actor, source, message, ...)."""
    context = dataclasses.replace(_current.get(), **changes)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
