"""Bulk writing: sequences, COPY, and history chains hashed as ``verify_audit`` reads them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
from django.db.backends.utils import CursorWrapper
from psycopg import sql

from workflow.audit import GENESIS, entry_hash, head_seal
from workflow.models import (
    AuditHead,
)


def reserve(cursor: CursorWrapper, model: type[models.Model], count: int) -> int:
    """The first of ``count`` fresh primary keys, taken from the table's sequence."""
    table, column = model._meta.db_table, model._meta.pk.column
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
    (sequence,) = cursor.fetchone()
    cursor.execute("SELECT nextval(%s)", [sequence])
    (first,) = cursor.fetchone()
    if count > 1:
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return int(first)


def copy_rows(
    cursor: CursorWrapper,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> None:
    """COPY ``rows`` into ``table``; lists and dicts go in as JSON text."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [json.dumps(v) if isinstance(v, list | dict) else v for v in row]
            )


def copy_records(
    cursor: CursorWrapper, model: type[models.Model], records: Sequence[dict]
) -> None:
    """COPY records given as ``{attname: value}`` into the model's own table."""
    fields = [f for f in model._meta.local_concrete_fields if f.attname in records[0]]
    rows = ([record[f.attname] for f in fields] for record in records)
    copy_rows(cursor, model._meta.db_table, [str(f.column) for f in fields], rows)


class Chains:
    """One history table: rows chained per record, hashed as ``verify_audit``
    reads them back, copied in batches, each record's head sealed."""

    _META = {
        "history_id",
        "history_date",
        "history_type",
        "history_user_id",
        "history_change_reason",
        "transition",
        "source_state",
        "target_state",
        "prev_hash",
        "entry_hash",
    }

    def __init__(self, record_model: type[models.Model]) -> None:
        self.model: type[models.Model] = record_model.history.model  # type: ignore[attr-defined]
        self.label = self.model._meta.label
        fields = [
            f for f in self.model._meta.concrete_fields if f.attname != "history_id"
        ]
        self.attnames = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.record_fields = [a for a in self.attnames if a not in self._META]
        self.rows: list[tuple] = []
        self.heads: list[tuple[str, str, str, str]] = []
        self.count = 0

    def row(
        self,
        record: dict[str, Any],
        *,
        when: dt.datetime,
        kind: str,
        user: int | None,
        reason: str | None = "",
        transition: str = "",
        source: str = "",
        target: str = "",
    ) -> dict[str, Any]:
        """The history row of ``record`` as it stands now."""
        row = {name: record[name] for name in self.record_fields}
        row.update(
            history_date=when,
            history_type=kind,
            history_user_id=user,
            history_change_reason=reason,
            transition=transition,
            source_state=source,
            target_state=target,
        )
        return row

    def chain(self, record_id: int, rows: Sequence[dict[str, Any]]) -> str:
        """Hash one record's rows, oldest first; its head (newest hash)."""
        previous = GENESIS
        for row in rows:
            row["prev_hash"] = previous
            row["entry_hash"] = previous = entry_hash(self.model, row)
            self.rows.append(tuple(row[name] for name in self.attnames))
        key = str(record_id)
        self.heads.append(
            (self.label, key, previous, head_seal(self.label, key, previous))
        )
        return previous

    def flush(self, cursor: CursorWrapper) -> None:
        # Without history_id: the identity numbers the rows in chain order.
        copy_rows(cursor, self.model._meta.db_table, self.columns, self.rows)
        columns = ["history_model", "record_id", "head", "seal"]
        copy_rows(cursor, AuditHead._meta.db_table, columns, self.heads)
        self.count += len(self.rows)
        self.rows.clear()
        self.heads.clear()
