"""The audited save: each write stamped with who, what and why."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django_fsm import FSMFieldMixin

from workflow.audit.tables import TransitionRecord
from workflow.exceptions import InvalidField

if TYPE_CHECKING:
    from workflow.models import User


class InvalidRecord(InvalidField):
    """The record failed its model validation: ``field`` is the first bad field
    (``NON_FIELD_ERRORS`` for a rule across fields), ``errors`` all of them."""

    def __init__(self, error: ValidationError) -> None:
        self.errors: dict[str, list[str]] = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {NON_FIELD_ERRORS: error.messages}
        )
        field, messages = next(iter(self.errors.items()))
        super().__init__(field, " ".join(messages))


def audited_save[M: models.Model](
    *,
    record: M,
    actor: User | None,
    action: str,
    reason: str = "",
    fields: Collection[str] | None = None,
    source_state: str = "",
    target_state: str = "",
) -> M:
    """Validate and save ``record``: its one new history row names ``actor``,
    the action code and the user's ``reason``.

    ``fields`` limits both the validation and the UPDATE to those fields.
    Raises InvalidRecord (an InvalidInput) if the record does not validate.
    """
    try:
        record.full_clean(exclude=_unvalidated(record, fields))
    except ValidationError as exc:
        raise InvalidRecord(exc) from exc
    with _stamped(
        record, actor, TransitionRecord(action, source_state, target_state), reason
    ):
        record.save(update_fields=fields)
    return record


def audited_delete(
    *, record: models.Model, actor: User | None, action: str, reason: str = ""
) -> None:
    """Delete ``record``; its history gets a last row naming actor and action."""
    with _stamped(record, actor, TransitionRecord(action), reason):
        record.delete()


def _unvalidated(record: models.Model, fields: Collection[str] | None) -> list[str]:
    # full_clean() re-assigns every field; a protected fsm field refuses that,
    # and only a transition may change it anyway.
    skipped = [
        f.name
        for f in record._meta.concrete_fields
        if isinstance(f, FSMFieldMixin) and getattr(f, "protected", False)
    ]
    if fields is not None:
        skipped += [
            f.name for f in record._meta.concrete_fields if f.name not in fields
        ]
    return skipped


@contextmanager
def _stamped(
    record: models.Model, actor: User | None, change: TransitionRecord, reason: str
) -> Iterator[None]:
    """Tell the next history row of ``record`` who, what and why, for one write."""
    stamped: Any = record
    stamped._history_user = actor
    stamped._change_reason = reason.strip()
    stamped._audit_transition = change
    try:
        yield
    finally:
        # A later save of the same instance must not reuse this stamp.
        for name in ("_history_user", "_change_reason", "_audit_transition"):
            record.__dict__.pop(name, None)
