"""Check the hash chain of every history table; exit non-zero naming what broke.

Shows its progress on stdout: each table as it is walked (rows checked so far
and rows per second, every few seconds), then its total.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import models

from workflow.audit import (
    AuditProblem,
    audited_history_models,
    unaudited_history_models,
    verify_model,
)
from workflow.audit.verify import verification_snapshot

PROGRESS_EVERY = 5.0  # seconds between two progress lines of one table


class _Meter:
    """Rows checked in one table, shown every few seconds as they grow."""

    def __init__(self, stdout: OutputWrapper, label: str) -> None:
        self.stdout, self.label = stdout, label
        self.rows = 0
        self.started = self.shown = time.monotonic()

    def update(self, rows: int) -> None:
        self.rows = rows
        now = time.monotonic()
        if now - self.shown >= PROGRESS_EVERY:
            self.shown = now
            self._show(f"{rows} history rows checked so far")

    def done(self) -> None:
        self._show(f"{self.rows} history rows checked")

    def _show(self, what: str) -> None:
        seconds = time.monotonic() - self.started
        rate = self.rows / seconds if seconds > 0 else 0.0
        self.stdout.write(
            f"{self.label}: {what} in {seconds:.1f} s ({rate:.0f} rows/s)"
        )
        self.stdout.flush()


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail of every history table."

    def handle(self, *args: Any, **options: Any) -> None:
        # Kept for callers that run the command in process (bench.audit).
        self.rows_checked = 0
        self.problems: list[AuditProblem] = [
            AuditProblem(model._meta.label, None, None, "history table is not chained")
            for model in unaudited_history_models()
        ]
        started = time.monotonic()
        with verification_snapshot():
            for history_model in audited_history_models():
                self.problems += self._verify(history_model)
        seconds = time.monotonic() - started
        rate = self.rows_checked / seconds if seconds > 0 else 0.0
        self.stdout.write(
            f"{self.rows_checked} history rows checked in {seconds:.1f} s "
            f"({rate:.0f} rows/s)"
        )
        for problem in self.problems:
            self.stderr.write(str(problem))
        if self.problems:
            count = len(self.problems)
            raise CommandError(f"Audit trail broken: {count} problem(s) found.")
        self.stdout.write(self.style.SUCCESS("Audit trail intact."))

    def _verify(self, history_model: type[models.Model]) -> list[AuditProblem]:
        meter = _Meter(self.stdout, history_model._meta.label)
        found = list(verify_model(history_model, progress=meter.update))
        meter.done()
        self.rows_checked += meter.rows
        return found
