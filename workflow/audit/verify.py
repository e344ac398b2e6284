"""Verification: every record's chain walked in one pass over each table.

Rows are read as tuples, in chain order, through a server-side cursor; each
column is brought to its canonical form by one function chosen per column
(``RowHasher``); heads are fetched for many records at once. Heads left
without any history (a wiped chain) are looked for only when the heads of
a table outnumber the records its history names.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

from workflow.audit.hashing import GENESIS, RowHasher, head_seal
from workflow.audit.tables import (
    AuditedModel,
    audited_history_models,
    unaudited_history_models,
)

ROWS_CHUNK = 5000  # rows per fetch from the database
_BATCH = 5000  # records per lookup of their heads
_IN_LIST = 500  # record ids per IN (...) list where there is no ANY(array)
# The heads of many records in one statement and one parameter (PostgreSQL).
_HEADS_ANY = (
    "SELECT record_id, head, seal FROM {table} "
    "WHERE history_model = %s AND record_id = ANY(%s)"
)

type Progress = Callable[[int], None]


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


@dataclass(slots=True)
class _Chain:
    """One record's history as walked: its newest hash and what was wrong."""

    record_id: Any
    head: str = GENESIS
    rows: int = 0
    problems: list[AuditProblem] = field(default_factory=list)


def _head_model() -> type[models.Model]:
    return apps.get_model("workflow", "AuditHead")


def _record_pk_name(history_model: type[models.Model]) -> str:
    instance_type: type[models.Model] = history_model.instance_type  # type: ignore[attr-defined]
    return instance_type._meta.pk.attname


def _record_label(history_model: type[models.Model]) -> str:
    instance_type: type[models.Model] = history_model.instance_type  # type: ignore[attr-defined]
    return instance_type._meta.label


@contextmanager
def verification_snapshot() -> Iterator[None]:
    """One view of every table for a whole verification.

    On PostgreSQL outside a transaction: a read-only repeatable-read one, so
    that rows written meanwhile are seen with their heads or not at all (and
    the server-side cursors stream instead of being materialised first).
    Otherwise the caller's transaction, or none.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def history_rows(
    history_model: type[models.Model],
) -> tuple[RowHasher, Iterator[tuple[Any, ...]]]:
    """Every row of a history table, records in key order, each record's rows
    oldest first: tuples of the hashed columns (``RowHasher.columns``), then
    ``history_id`` and ``entry_hash``. On PostgreSQL, datetimes come as the
    text they are hashed as (``UtcIsoformat``), not to be parsed here."""
    iso_in_database = connection.vendor == "postgresql" and settings.USE_TZ
    hasher = RowHasher(history_model, iso_in_database=iso_in_database)
    rows = history_model._default_manager.order_by(
        _record_pk_name(history_model), "history_id"
    ).values_list(*hasher.select, "history_id", "entry_hash")
    return hasher, rows.iterator(chunk_size=ROWS_CHUNK)


def _chains(history_model: type[models.Model]) -> Iterator[_Chain]:
    hasher, rows = history_rows(history_model)
    label = _record_label(history_model)
    key_at = hasher.columns.index(_record_pk_name(history_model))
    prev_at = hasher.columns.index("prev_hash")
    chain = _Chain(record_id=object())  # a key no row has
    for row in rows:
        record_id, stored = row[key_at], row[-1]
        if record_id != chain.record_id:
            if chain.rows:
                yield chain
            chain = _Chain(record_id)
        if row[prev_at] != chain.head:
            chain.problems.append(
                AuditProblem(label, record_id, row[-2], "chain broken")
            )
        if hasher(row) != stored:
            chain.problems.append(
                AuditProblem(label, record_id, row[-2], "row altered")
            )
        chain.head = stored
        chain.rows += 1
    if chain.rows:
        yield chain


def verify_model(
    history_model: type[models.Model], *, progress: Progress | None = None
) -> Iterator[AuditProblem]:
    """Walk every record's chain in one history table, yielding each break.

    ``progress`` is told the number of rows checked so far, after every
    batch of records (a few thousand).
    """
    checked = headed = 0
    for batch in itertools.batched(_chains(history_model), _BATCH):
        heads = _heads(history_model, [str(chain.record_id) for chain in batch])
        for chain in batch:
            yield from chain.problems
            yield from _head_problems(history_model, chain, heads)
        headed += sum(1 for chain in batch if str(chain.record_id) in heads)
        checked += sum(chain.rows for chain in batch)
        if progress is not None:
            progress(checked)
    if _head_count(history_model) != headed:
        yield from _orphan_heads(history_model)
    instance_type = history_model.instance_type  # type: ignore[attr-defined]
    if issubclass(instance_type, AuditedModel):
        yield from _record_heads(history_model, instance_type)


def _heads(
    history_model: type[models.Model], record_ids: list[str]
) -> dict[str, tuple[str, str]]:
    """``{record_id: (head, seal)}`` of the given records that have a head."""
    label, model = history_model._meta.label, _head_model()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(_HEADS_ANY.format(table=table), [label, record_ids])
            return {r: (h, s) for r, h, s in cursor.fetchall()}
    found: dict[str, tuple[str, str]] = {}
    for batch in itertools.batched(record_ids, _IN_LIST):
        heads = model._default_manager.filter(history_model=label, record_id__in=batch)
        for r, h, s in heads.values_list("record_id", "head", "seal"):
            found[r] = (h, s)
    return found


def _head_count(history_model: type[models.Model]) -> int:
    heads = _head_model()._default_manager
    return heads.filter(history_model=history_model._meta.label).count()


def _head_problems(
    history_model: type[models.Model],
    chain: _Chain,
    heads: dict[str, tuple[str, str]],
) -> Iterator[AuditProblem]:
    label, record_id = _record_label(history_model), chain.record_id
    head, seal = heads.get(str(record_id), (None, None))
    if head is None:
        yield AuditProblem(label, record_id, None, "audit head missing")
    elif head != chain.head:
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
    for batch in itertools.batched(record_ids.iterator(chunk_size=ROWS_CHUNK), _BATCH):
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
    pairs = records.values_list("pk", "audit_head").iterator(chunk_size=ROWS_CHUNK)
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
    with verification_snapshot():
        for history_model in audited_history_models():
            problems.extend(verify_model(history_model))
    return problems
