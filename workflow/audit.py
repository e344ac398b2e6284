"""The tamper-evident audit trail.

Every history table of the project is a django-simple-history model built on
``AuditedHistoricalModel`` (``audited_history()`` for our models, ``register(...,
records_class=AuditedHistoricalRecords, bases=[AuditedHistoricalModel])`` for
someone else's, such as viewflow's Task). Its rows are chained per record: each
row's ``entry_hash`` is an HMAC-SHA256 over all of its columns, including the
``prev_hash`` of the row before it. The newest hash of every record is kept in
``workflow.AuditHead``, beside the records rather than on them, so that it
outlives a deleted record (a removed board member) and covers models that are
not ours; it is sealed with the same key, so that it cannot be wound back to an
earlier row. ``AuditedModel`` records also keep it in ``audit_head``. Editing,
inserting or deleting any row behind the app's back (the newest one included)
breaks the chain; ``verify_audit`` finds it and names the record.

Writes are stamped through ``audited_save`` / ``audited_delete``: the acting
user, the action code (stored in the ``transition`` column and labelled by
``workflow.timeline`` when read) and the reason the user typed, if any.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import uuid
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin
from simple_history.models import HistoricalChanges, HistoricalRecords
from simple_history.signals import (
    post_create_historical_record,
    pre_create_historical_record,
)

from workflow.exceptions import InvalidField

if TYPE_CHECKING:
    from workflow.models import User

GENESIS = ""
_UNHASHED = {"history_id", "entry_hash"}
_BATCH = 500


class AuditImmutableError(Exception):
    """Raised when code tries to change or delete an audit row."""


@dataclass(frozen=True)
class TransitionRecord:
    """What the next history row records about the change: its action code
    (a transition name or another registered code) and the states it moved
    between, if the record has any."""

    name: str
    source: str = ""
    target: str = ""


class AuditedHistoricalModel(models.Model):
    """Base of every history table: action code, states and the hash chain."""

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
    """Mixin for records whose history is chained and that carry a version."""

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    audit_head = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class AuditedHistoricalRecords(HistoricalRecords):
    """HistoricalRecords whose row, hash and head are written all or nothing."""

    def create_historical_record(
        self, instance: models.Model, history_type: str, using: str | None = None
    ) -> None:
        # A savepoint inside the caller's transaction, a transaction outside one:
        # the head row is locked while the chain grows (see _on_pre_create).
        with transaction.atomic(using=using):
            super().create_historical_record(instance, history_type, using=using)


def audited_history(**options: Any) -> HistoricalRecords:
    """The HistoricalRecords every model of the project declares as ``history``."""
    excluded = ["audit_head", *options.pop("excluded_fields", [])]
    return AuditedHistoricalRecords(
        bases=[AuditedHistoricalModel],
        excluded_fields=excluded,
        cascade_delete_history=False,
        **options,
    )


def history_models() -> list[type[models.Model]]:
    """Every simple-history table installed, chained or not."""
    return [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]


def audited_history_models() -> list[type[AuditedHistoricalModel]]:
    """Every chained history table, in a stable order."""
    found = [m for m in history_models() if issubclass(m, AuditedHistoricalModel)]
    return sorted(found, key=lambda m: m._meta.label)


def unaudited_history_models() -> list[type[models.Model]]:
    """History tables outside the chain: a declaration error, never allowed."""
    return [m for m in history_models() if not issubclass(m, AuditedHistoricalModel)]


# --- hashing ------------------------------------------------------------------


def _canonical(field: models.Field[Any, Any] | None, value: Any) -> Any:
    if field is not None and value is not None:
        # What the column stores (a flow node as its dotted reference, ...),
        # never a Python object's repr.
        value = field.get_prep_value(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def _key() -> bytes:
    return str(settings.AUDIT_HASH_KEY).encode()


def entry_hash(history_model: type[models.Model], row: Mapping[str, Any]) -> str:
    """The hash of one history row, as read back from the database (``values()``)."""
    fields = {f.attname: f for f in history_model._meta.concrete_fields}
    payload = {
        name: _canonical(fields.get(name), value)
        for name, value in row.items()
        if name not in _UNHASHED
    }
    message = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def head_seal(history_label: str, record_id: str, head: str) -> str:
    """The keyed seal of one record's newest hash."""
    message = "\x00".join(["audit-head", history_label, record_id, head])
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


# --- writing the chain --------------------------------------------------------


def _head_model() -> type[models.Model]:
    return apps.get_model("workflow", "AuditHead")


def _on_pre_create(
    sender: type[models.Model], instance: models.Model, history_instance: Any, **_: Any
) -> None:
    if not issubclass(sender, AuditedHistoricalModel):
        return
    record: TransitionRecord | None = getattr(instance, "_audit_transition", None)
    if record is not None:
        history_instance.transition = record.name
        history_instance.source_state = record.source
        history_instance.target_state = record.target
    # Locked: two writers of one record's history queue up here.
    heads = _head_model()._default_manager.select_for_update()
    previous = (
        heads.filter(history_model=sender._meta.label, record_id=str(instance.pk))
        .values_list("head", flat=True)
        .first()
    )
    history_instance.prev_hash = previous or GENESIS


def _on_post_create(
    sender: type[models.Model], instance: models.Model, history_instance: Any, **_: Any
) -> None:
    if not issubclass(sender, AuditedHistoricalModel):
        return
    # Hash the row as the database stores it, so that verification (which reads
    # it back) sees exactly the same values.
    manager: models.Manager[Any] = sender._default_manager
    row = manager.filter(history_id=history_instance.history_id).values().get()
    digest = entry_hash(sender, row)
    manager.filter(history_id=history_instance.history_id).update(entry_hash=digest)
    history_instance.entry_hash = digest
    _head_store(_head_model(), sender._meta.label, str(instance.pk), digest)
    if isinstance(instance, AuditedModel):
        type(instance)._default_manager.filter(pk=instance.pk).update(audit_head=digest)
        instance.audit_head = digest


def _head_store(
    head_model: type[models.Model], history_label: str, record_id: str, head: str
) -> None:
    values = {"head": head, "seal": head_seal(history_label, record_id, head)}
    heads = head_model._default_manager.filter(
        history_model=history_label, record_id=record_id
    )
    if not heads.update(**values):
        head_model._default_manager.create(
            history_model=history_label, record_id=record_id, **values
        )


def connect_signals() -> None:
    pre_create_historical_record.connect(_on_pre_create, dispatch_uid="audit_pre")
    post_create_historical_record.connect(_on_post_create, dispatch_uid="audit_post")


def chain_seal(
    history_model: type[models.Model],
    head_model: type[models.Model],
    *,
    record_pk: str = "id",
) -> None:
    """Chain the rows a table holds from before it was chained, as they stand.

    For data migrations that bring an existing history table into the chain
    (``record_pk`` names the tracked record's key column); rows already
    chained are kept, and every record gets its head.
    """
    manager = history_model._default_manager
    record_ids = manager.order_by(record_pk).values_list(record_pk, flat=True)
    for batch in itertools.batched(list(record_ids.distinct()), _BATCH):
        rows = manager.filter(**{f"{record_pk}__in": batch})
        chains = rows.order_by(record_pk, "history_id").values()
        for record_id, chain in itertools.groupby(chains, lambda r: r[record_pk]):
            head = _chain_rows(history_model, list(chain))
            _head_store(head_model, history_model._meta.label, str(record_id), head)


def _chain_rows(history_model: type[models.Model], chain: list[dict[str, Any]]) -> str:
    manager = history_model._default_manager
    previous = GENESIS
    for row in chain:
        if not row["entry_hash"]:
            row["prev_hash"] = previous
            row["entry_hash"] = entry_hash(history_model, row)
            manager.filter(history_id=row["history_id"]).update(
                prev_hash=row["prev_hash"], entry_hash=row["entry_hash"]
            )
        previous = row["entry_hash"]
    return previous


# --- the audited save ---------------------------------------------------------


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


# --- verification -------------------------------------------------------------


@dataclass(frozen=True)
class AuditProblem:
    model: str
    record_id: Any
    history_id: int | None
    problem: str

    def __str__(self) -> str:
        if self.record_id is None:
            return f"{self.model}: {self.problem}"
        where = f"history row {self.history_id}" if self.history_id else "record"
        return f"{self.model} #{self.record_id}: {self.problem} ({where})"


def _record_pk_name(history_model: type[models.Model]) -> str:
    instance_type: type[models.Model] = history_model.instance_type  # type: ignore[attr-defined]
    return instance_type._meta.pk.attname


def _record_label(history_model: type[models.Model]) -> str:
    instance_type: type[models.Model] = history_model.instance_type  # type: ignore[attr-defined]
    return instance_type._meta.label


def verify_model(history_model: type[models.Model]) -> Iterator[AuditProblem]:
    """Walk every record's chain in one history table, yielding each break."""
    pk_name = _record_pk_name(history_model)
    rows = history_model._default_manager.order_by(pk_name, "history_id").values()
    chains = itertools.groupby(rows.iterator(chunk_size=2000), lambda r: r[pk_name])
    for batch in itertools.batched(((k, list(c)) for k, c in chains), _BATCH):
        heads = _heads(history_model, [str(record_id) for record_id, _ in batch])
        for record_id, chain in batch:
            yield from _check_chain(history_model, record_id, chain, heads)
    yield from _orphan_heads(history_model)
    instance_type = history_model.instance_type  # type: ignore[attr-defined]
    if issubclass(instance_type, AuditedModel):
        yield from _record_heads(history_model, instance_type)


def _heads(
    history_model: type[models.Model], record_ids: list[str]
) -> dict[str, tuple[str, str]]:
    found = _head_model()._default_manager.filter(
        history_model=history_model._meta.label, record_id__in=record_ids
    )
    return {r: (h, s) for r, h, s in found.values_list("record_id", "head", "seal")}


def _check_chain(
    history_model: type[models.Model],
    record_id: Any,
    chain: list[dict[str, Any]],
    heads: dict[str, tuple[str, str]],
) -> Iterator[AuditProblem]:
    label = _record_label(history_model)
    expected = GENESIS
    for row in chain:
        if row["prev_hash"] != expected:
            yield AuditProblem(label, record_id, row["history_id"], "chain broken")
        if entry_hash(history_model, row) != row["entry_hash"]:
            yield AuditProblem(label, record_id, row["history_id"], "row altered")
        expected = row["entry_hash"]
    head, seal = heads.get(str(record_id), (None, None))
    if head is None:
        yield AuditProblem(label, record_id, None, "audit head missing")
    elif head != expected:
        yield AuditProblem(label, record_id, None, "newest history row missing")
    elif seal != head_seal(history_model._meta.label, str(record_id), head):
        yield AuditProblem(label, record_id, None, "audit head altered")


def _orphan_heads(history_model: type[models.Model]) -> Iterator[AuditProblem]:
    """Heads whose record has no history left: the whole chain was deleted."""
    pk_name = _record_pk_name(history_model)
    pk_field = cast("models.Field[Any, Any]", history_model._meta.get_field(pk_name))
    heads = _head_model()._default_manager.filter(
        history_model=history_model._meta.label
    )
    record_ids = heads.order_by("pk").values_list("record_id", flat=True)
    for batch in itertools.batched(record_ids.iterator(chunk_size=2000), _BATCH):
        wanted = {pk_field.to_python(record_id): record_id for record_id in batch}
        present = set(
            history_model._default_manager.filter(**{f"{pk_name}__in": list(wanted)})
            .values_list(pk_name, flat=True)
            .distinct()
        )
        for pk, record_id in wanted.items():
            if pk not in present:
                yield AuditProblem(
                    _record_label(history_model), record_id, None, "history missing"
                )


def _record_heads(
    history_model: type[models.Model], model: type[models.Model]
) -> Iterator[AuditProblem]:
    """An AuditedModel record's own ``audit_head`` must agree with its head."""
    records = model._default_manager.exclude(audit_head="").order_by("pk")
    pairs = records.values_list("pk", "audit_head").iterator(chunk_size=2000)
    for batch in itertools.batched(pairs, _BATCH):
        heads = _heads(history_model, [str(pk) for pk, _ in batch])
        for pk, audit_head in batch:
            head, _seal = heads.get(str(pk), (None, None))
            if head is None:
                yield AuditProblem(model._meta.label, pk, None, "audit head missing")
            elif head != audit_head:
                yield AuditProblem(
                    model._meta.label, pk, None, "newest history row missing"
                )


def verify_all() -> list[AuditProblem]:
    """Every break in every history table; an unchained table is one too."""
    problems = [
        AuditProblem(m._meta.label, None, None, "history table is not chained")
        for m in unaudited_history_models()
    ]
    for history_model in audited_history_models():
        problems.extend(verify_model(history_model))
    return problems


@checks.register(checks.Tags.models)
def history_chained_check(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A history table outside the chain stops the project from starting."""
    return [
        checks.Error(
            f"{model._meta.label} keeps history outside the audit chain.",
            hint="Declare it with workflow.audit.audited_history(), or register "
            "it with records_class=AuditedHistoricalRecords and "
            "bases=[AuditedHistoricalModel].",
            obj=model,
            id="workflow.E001",
        )
        for model in unaudited_history_models()
    ]
