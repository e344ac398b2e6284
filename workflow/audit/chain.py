"""Writing the chain: each history row is inserted with its hashes, and its
record's head moves on in one statement.

An audited write costs, besides the record's own statement: the head read
(locked), the history INSERT carrying ``prev_hash`` and ``entry_hash``, the
head upsert, and for an ``AuditedModel`` record that is not being deleted,
the UPDATE of its ``audit_head``. An ``AuditedModel`` record that already has
a head carries it in ``audit_head``: no head read then, and the upsert, which
moves the head only from that value, refuses a record read before the head
moved on (StaleRecord).
"""

from __future__ import annotations

import itertools
from typing import Any

from django.apps import apps
from django.db import connections, models, router
from simple_history.signals import (
    post_create_historical_record,
    pre_create_historical_record,
)

from workflow.audit.hashing import (
    GENESIS,
    entry_hash,
    head_seal,
    row_hash,
)
from workflow.audit.tables import (
    AuditedHistoricalModel,
    AuditedModel,
    TransitionRecord,
)
from workflow.exceptions import StaleRecord

_BATCH = 500
# The head upsert; {table} is AuditHead's table. A conflicting head moves only
# if it still is the row's ``prev_hash``.
_HEAD_MOVE = (
    "INSERT INTO {table} (history_model, record_id, head, seal) "
    "VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (history_model, record_id) DO UPDATE "
    "SET head = excluded.head, seal = excluded.seal "
    "WHERE {table}.head = %s"
)

_AUDIT_HEAD_STORE = "UPDATE {table} SET {column} = %s WHERE {pk} = %s"


def _head_model() -> type[models.Model]:
    return apps.get_model("workflow", "AuditHead")


def _on_pre_create(
    sender: type[models.Model],
    instance: models.Model,
    history_instance: Any,
    using: str | None = None,
    **_: Any,
) -> None:
    if not issubclass(sender, AuditedHistoricalModel):
        return
    record: TransitionRecord | None = getattr(instance, "_audit_transition", None)
    if record is not None:
        history_instance.transition = record.name
        history_instance.source_state = record.source
        history_instance.target_state = record.target
    history_instance.prev_hash = _head_carried(instance) or _head_locked(
        sender._meta.label, str(instance.pk)
    )
    vendor = connections[using or router.db_for_write(sender)].vendor
    history_instance.entry_hash = row_hash(history_instance, vendor=vendor)


def _head_carried(instance: models.Model) -> str:
    """The head an ``AuditedModel`` record carries ("" if none or no chain yet).

    Trusted without a read: the head upsert moves only from this value, so an
    instance read before its head moved on cannot fork the chain.
    """
    return instance.audit_head if isinstance(instance, AuditedModel) else GENESIS


def _head_locked(history_label: str, record_id: str) -> str:
    """The record's newest hash, its head row locked until the transaction ends.

    The record's own UPDATE or DELETE, just before, already queues two writers
    of one record; the lock also covers a history row written without one.
    """
    heads = _head_model()._default_manager.select_for_update()
    head = (
        heads.filter(history_model=history_label, record_id=record_id)
        .values_list("head", flat=True)
        .first()
    )
    return head or GENESIS


def _on_post_create(
    sender: type[models.Model],
    instance: models.Model,
    history_instance: Any,
    using: str | None = None,
    **_: Any,
) -> None:
    if not issubclass(sender, AuditedHistoricalModel):
        return
    follows = (
        instance
        if isinstance(instance, AuditedModel) and history_instance.history_type != "-"
        else None
    )
    _head_move(
        sender._meta.label,
        str(instance.pk),
        previous=history_instance.prev_hash,
        head=history_instance.entry_hash,
        record=follows,
    )


def _head_move(
    history_label: str,
    record_id: str,
    *,
    previous: str,
    head: str,
    record: AuditedModel | None,
) -> None:
    """Insert or move the record's head, only from ``previous``; ``record``,
    if given, keeps a copy in its ``audit_head`` (on PostgreSQL in the same
    statement).

    A head that moved on meanwhile (two first rows of one record written at
    once, or a record read before its head moved) refuses the writer: its
    transaction rolls back.
    """
    model = _head_model()
    connection = connections[router.db_for_write(model)]
    sql = _HEAD_MOVE.format(table=connection.ops.quote_name(model._meta.db_table))
    params = [history_label, record_id, head, head_seal(history_label, record_id, head)]
    params.append(previous)
    if record is not None and connection.vendor == "postgresql":
        sql = f"WITH moved AS ({sql} RETURNING 1) {_audit_head_sql(record)}"
        sql += " AND EXISTS (SELECT 1 FROM moved)"
        params += _audit_head_params(record, head)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount != 1:
            raise StaleRecord()
        if record is not None and connection.vendor != "postgresql":
            cursor.execute(_audit_head_sql(record), _audit_head_params(record, head))
    if record is not None:
        record.audit_head = head


def _audit_head_sql(record: AuditedModel) -> str:
    """The UPDATE of the record's ``audit_head``, by its key."""
    model = type(record)
    quote = connections[router.db_for_write(model)].ops.quote_name
    return _AUDIT_HEAD_STORE.format(
        table=quote(model._meta.db_table),
        column=quote(str(model._meta.get_field("audit_head").column)),
        pk=quote(str(model._meta.pk.column)),
    )


def _audit_head_params(record: AuditedModel, head: str) -> list[Any]:
    connection = connections[router.db_for_write(type(record))]
    return [head, type(record)._meta.pk.get_db_prep_value(record.pk, connection)]


def connect_signals() -> None:
    pre_create_historical_record.connect(_on_pre_create, dispatch_uid="audit_pre")
    post_create_historical_record.connect(_on_post_create, dispatch_uid="audit_post")


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


def chain_seal(
    history_model: type[models.Model],
    head_model: type[models.Model],
    *,
    record_pk: str = "id",
) -> None:
    """Chain the rows a table holds from before it was chained, as they stand.

    For data migrations that bring an existing history table into the chain
    (``record_pk`` names the tracked record's key column); rows already
    chained are kept, and every record gets its head. ``head_model`` is the
    migration's historical AuditHead, hence the plain update-or-create.
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
