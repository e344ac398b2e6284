"""Check the hash chain of every history table; exit non-zero naming what broke."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workflow.audit import (
    AuditProblem,
    audited_history_models,
    unaudited_history_models,
    verify_model,
)


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail of every history table."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = [
            AuditProblem(model._meta.label, None, None, "history table is not chained")
            for model in unaudited_history_models()
        ]
        for history_model in audited_history_models():
            found = list(verify_model(history_model))
            problems += found
            checked = history_model._default_manager.count()
            label = history_model._meta.label
            self.stdout.write(f"{label}: {checked} history rows checked")
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"Audit trail broken: {len(problems)} problem(s) found.")
        self.stdout.write(self.style.SUCCESS("Audit trail intact."))
