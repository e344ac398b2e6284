"""Check every audited record's hash chain; exit non-zero naming what broke."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workflow.audit import audited_models, verify_model


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail of every audited record."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = 0
        for model in audited_models():
            checked = model.history.model._default_manager.count()  # type: ignore[attr-defined]
            found = [str(problem) for problem in verify_model(model)]
            for line in found:
                self.stderr.write(line)
            problems += len(found)
            self.stdout.write(f"{model._meta.label}: {checked} history rows checked")
        if problems:
            raise CommandError(f"Audit trail broken: {problems} problem(s) found.")
        self.stdout.write(self.style.SUCCESS("Audit trail intact."))
