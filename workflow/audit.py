"""The tamper-evident audit trail.

Every audited record has django-simple-history rows chained per record: each
row's ``entry_hash`` is an HMAC-SHA256 over all of its columns, including the
``prev_hash`` of the row before it, and the record keeps the newest hash in
``audit_head``. Editing, inserting or deleting any row behind the app's back
(the newest one included) breaks the chain; ``verify_audit`` finds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import (
    post_create_historical_record,
    pre_create_historical_record,
)

GENESIS = ""
_UNHASHED = {"history_id", "entry_hash"}


class AuditImmutableError(Exception):
    """Raised when code tries to change or delete an audit row."""


@dataclass(frozen=True)
class TransitionRecord:
    """What the transition service tells the next history row about itself."""

    name: str
    source: str
    target: str


class AuditedHistoricalModel(models.Model):
    """Base of every audited history table: transition facts plus the hash chain."""

    transition = models.CharField(_("transition"), max_length=60, blank=True)
    source_state = models.CharField(_("from state"), max_length=40, blank=True)
    target_state = models.CharField(_("to state"), max_length=40, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    entry_hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError("Audit rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("Audit rows are append-only.")


class AuditedModel(models.Model):
    """Mixin for records whose history is hash-chained and versioned."""

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    audit_head = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


def audited_history() -> HistoricalRecords:
    """The HistoricalRecords every audited model declares as ``history``."""
    return HistoricalRecords(
        bases=[AuditedHistoricalModel],
        excluded_fields=["audit_head"],
        cascade_delete_history=False,
    )


def audited_models() -> list[type[AuditedModel]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, AuditedModel) and hasattr(model, "history")
    ]


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def entry_hash(row: Mapping[str, Any]) -> str:
    """The hash of one history row, as read back from the database."""
    payload = {k: _canonical(v) for k, v in row.items() if k not in _UNHASHED}
    message = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    key = settings.AUDIT_HASH_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _on_pre_create(
    sender: type[models.Model], instance: models.Model, history_instance: Any, **_: Any
) -> None:
    if not isinstance(instance, AuditedModel):
        return
    record: TransitionRecord | None = getattr(instance, "_audit_transition", None)
    if record is not None:
        history_instance.transition = record.name
        history_instance.source_state = record.source
        history_instance.target_state = record.target
    previous = (
        sender._default_manager.filter(id=instance.pk)
        .order_by("-history_id")
        .values_list("entry_hash", flat=True)
        .first()
    )
    history_instance.prev_hash = previous or GENESIS


def _on_post_create(
    sender: type[models.Model], instance: models.Model, history_instance: Any, **_: Any
) -> None:
    if not isinstance(instance, AuditedModel):
        return
    # Hash the row as the database stores it, so that verification (which reads
    # it back) sees exactly the same values.
    manager = sender._default_manager
    row = manager.filter(history_id=history_instance.history_id).values().get()
    digest = entry_hash(row)
    manager.filter(history_id=history_instance.history_id).update(entry_hash=digest)
    type(instance)._default_manager.filter(pk=instance.pk).update(audit_head=digest)
    history_instance.entry_hash = digest
    instance.audit_head = digest


def connect_signals() -> None:
    pre_create_historical_record.connect(_on_pre_create, dispatch_uid="audit_pre")
    post_create_historical_record.connect(_on_post_create, dispatch_uid="audit_post")


@dataclass(frozen=True)
class AuditProblem:
    model: str
    record_id: Any
    history_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"history row {self.history_id}" if self.history_id else "record"
        return f"{self.model} #{self.record_id}: {self.problem} ({where})"


def verify_model(model: type[AuditedModel]) -> Iterator[AuditProblem]:
    """Walk every record's chain of one audited model, yielding each break."""
    label = model._meta.label
    heads = dict(model._default_manager.values_list("pk", "audit_head"))
    history = model.history.model._default_manager  # type: ignore[attr-defined]
    rows = history.order_by("id", "history_id").values().iterator(chunk_size=2000)
    current: Any = None
    expected = GENESIS
    for row in rows:
        if row["id"] != current:
            if current is not None:
                yield from _check_head(label, current, expected, heads)
            current, expected = row["id"], GENESIS
        if row["prev_hash"] != expected:
            yield AuditProblem(label, current, row["history_id"], "chain broken")
        if entry_hash(row) != row["entry_hash"]:
            yield AuditProblem(label, current, row["history_id"], "row altered")
        expected = row["entry_hash"]
    if current is not None:
        yield from _check_head(label, current, expected, heads)
    for pk, head in heads.items():
        if head:
            yield AuditProblem(label, pk, None, "history missing")


def _check_head(
    label: str, record_id: Any, last_hash: str, heads: dict[Any, str]
) -> Iterator[AuditProblem]:
    head = heads.pop(record_id, None)
    if head is not None and head != last_hash:
        yield AuditProblem(label, record_id, None, "newest history row missing")


def verify_all() -> list[AuditProblem]:
    return [problem for model in audited_models() for problem in verify_model(model)]
