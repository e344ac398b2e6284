"""``verify_audit`` measured in process, beside its floor.

The command runs as ``manage.py verify_audit`` runs it (its progress lines go
to ``progress``). The floor is what any verification of the same rows costs
at least: the same rows read the same way (``workflow.audit.verify.
history_rows``: same query, same server-side cursor and chunk size, in the
same read-only snapshot; on PostgreSQL datetimes arrive as text, already in
their canonical form), and one HMAC-SHA256 per row over the bytes of the
row's ``repr()``; no canonical form per column, no JSON, no chain walk, no
heads. ``verify_audit_rows_per_s / verify_audit_floor_rows_per_s`` is how
close the command comes to it.
"""

from __future__ import annotations

import contextlib
import hmac
import io
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from workflow.audit import audited_history_models
from workflow.audit.verify import history_rows, verification_snapshot
from workflow.management.commands.verify_audit import Command as VerifyAudit

Progress = Callable[[str], None]


class _Lines(io.StringIO):
    """A stream that hands each whole line written to ``progress``."""

    def __init__(self, progress: Progress | None) -> None:
        super().__init__()
        self._progress = progress
        self._pending = ""

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            if self._progress is not None:
                self._progress(line)
        return len(text)


def _verify_run(progress: Progress | None) -> tuple[VerifyAudit, float]:
    command = VerifyAudit()
    started = time.perf_counter()
    with contextlib.suppress(CommandError):  # its problems are counted instead
        call_command(command, stdout=_Lines(progress), stderr=io.StringIO())
    return command, time.perf_counter() - started


def floor_run() -> tuple[int, float]:
    """Rows read and seconds taken by the floor (see the module's docstring)."""
    key = str(settings.AUDIT_HASH_KEY).encode()
    rows = 0
    started = time.perf_counter()
    with verification_snapshot():
        for history_model in audited_history_models():
            _hasher, table = history_rows(history_model)
            for row in table:
                hmac.digest(key, repr(row).encode(), "sha256")
                rows += 1
    return rows, time.perf_counter() - started


def audit_measure(*, progress: Progress | None = None) -> dict[str, float | int]:
    """``verify_audit`` on the current database: rows, seconds, rows per
    second, problems found; and the floor's rows per second."""
    command, seconds = _verify_run(progress)
    floor_rows, floor_seconds = floor_run()
    if progress is not None:
        progress(f"floor: {floor_rows} rows in {floor_seconds:.1f} s")
    rows = command.rows_checked
    return {
        "verify_audit_rows": rows,
        "verify_audit_s": round(seconds, 2),
        "verify_audit_rows_per_s": round(rows / seconds, 1),
        "verify_audit_floor_rows_per_s": round(floor_rows / floor_seconds, 1),
        "verify_audit_problems": len(command.problems),
    }
