"""Mark every active Tanda Registrasi past its validity date as expired."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.services.certificates import certificate_expire_due


class Command(BaseCommand):
    help = "Expire Tanda Registrasi whose validity has ended (run daily)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--today", help="Pretend today is this date (YYYY-MM-DD); for catch-up."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _parse_day(options["today"]) if options["today"] else None
        expired = certificate_expire_due(today=today or timezone.localdate())
        self.stdout.write(f"{expired} certificate(s) expired.")


def _parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be YYYY-MM-DD, got {value!r}") from exc
