"""A synthetic nation in bulk: offices, staff, LKS, cases, tasks and audit history.

Every row is the row the services would have written (the column values were
copied from a case walked through the services: ``tests/scenes.py``), but
written with ``COPY`` and ``INSERT ... SELECT`` instead of one service call
each. History rows are chained and hashed with ``workflow.audit``'s own
``entry_hash`` and ``head_seal``, so that ``verify_audit`` passes on them.

Sizes are those of issue 8 times ``scale`` (1 = full, 0.01 = ``--small``);
the 514 kabupaten/kota offices and 38 provincial offices are always all there.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from bench.nation.cases import CASES_PER_LKS, cases_generate
from bench.nation.people import Nation, lks_generate, offices_generate
from cases.models import (
    Lks,
    LksGroupObjectPermission,
    Registration,
    RegistrationGroupObjectPermission,
    RegistrationProcess,
)
from workflow.models import (
    AuditHead,
    Membership,
    Organisation,
    OrganisationRole,
    Region,
    TaskDeadline,
    User,
)

__all__ = [
    "CASES_PER_LKS",
    "LKS_FULL",
    "SCALE_FULL",
    "SCALE_SMALL",
    "Refused",
    "Report",
    "nation_generate",
]

SCALE_FULL = 1.0
SCALE_SMALL = 0.01
LKS_FULL = 50_000
SEED = 8


class Refused(Exception):
    """The database is not one the generator may fill."""


@dataclass(frozen=True)
class Report:
    seconds: float
    rows: dict[str, int]


def row_counts() -> dict[str, int]:
    """Rows of every table the generator writes."""
    models_written: list[type[models.Model]] = [
        Organisation,
        Group,
        OrganisationRole,
        User,
        User.groups.through,
        Membership,
        Lks,
        LksGroupObjectPermission,
        Registration,
        RegistrationGroupObjectPermission,
        Process,
        RegistrationProcess,
        Task,
        TaskDeadline,
        AuditHead,
    ]
    models_written += [Membership.history.model, Lks.history.model]
    models_written += [Registration.history.model, Task.history.model]
    counts = {}
    with connection.cursor() as cursor:
        for model in models_written:
            table = model._meta.db_table
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def nation_generate(*, scale: float = SCALE_FULL) -> Report:
    """Fill a freshly migrated PostgreSQL database with a nation at ``scale``."""
    if connection.vendor != "postgresql":
        raise Refused("The benchmark needs PostgreSQL (set DATABASE_URL); not SQLite.")
    if Organisation.objects.exists():
        raise Refused("The database already holds organisations: use a fresh one.")
    if not Region.objects.filter(level=Region.Level.REGENCY).exists():
        raise Refused("The database has no regions: run migrate first.")
    started = time.monotonic()
    # Closed cases go back years the holiday calendar may not cover; the
    # calendar then counts weekends only, and would say so once per task.
    calendar_log = logging.getLogger("workflow.calendar")
    level = calendar_log.level
    calendar_log.setLevel(logging.ERROR)
    nation = Nation(now=timezone.now(), rng=random.Random(SEED))  # noqa: S311 (reproducible data, no secret)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            offices_generate(cursor, nation)
            lks_generate(cursor, nation, max(1, round(LKS_FULL * scale)))
            cases_generate(cursor, nation)
    finally:
        calendar_log.setLevel(level)
    # As autovacuum leaves a live database: statistics fresh and the
    # visibility map set, so that index-only scans skip the heap.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return Report(seconds=time.monotonic() - started, rows=row_counts())
