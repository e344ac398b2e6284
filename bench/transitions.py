"""Transitions through the service against the bare writes they must make.

Run on a database filled by ``python -m bench generate``. Real cases in
verification are walked, each by a verifier of its own office and the
operator of its own LKS, around the one cycle of the registration flow that
comes back to where it began::

    in_verification -request_revision-> needs_revision -submit-> submitted
    -start_verification-> in_verification

one ``transition_run`` call per step, each its own transaction, as a view
makes it. Then the same steps on the same rows as bare writes: the state
UPDATE and one history INSERT, one transaction each. The service's writes are
real and chained; the bare writes would break the audit chain, so their
history rows are deleted and the rows' state, version and ``updated_at``
restored afterwards: the database is left as valid as it was found.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.nation import Refused
from cases.models import Registration
from workflow.models import Membership, Role, User
from workflow.services import transition_run

State = Registration.State
CHUNK = 10  # cases per turn: the service's cycle, then the bare writes' cycle


@dataclass(frozen=True)
class Step:
    """One transition of the cycle: its states, who makes it, its reason."""

    name: str
    source: str
    target: str
    role: str
    reason: str = ""


CYCLE = (
    Step(
        "request_revision",
        State.IN_VERIFICATION,
        State.NEEDS_REVISION,
        Role.VERIFIER,
        "Berkas perlu dilengkapi.",
    ),
    Step("submit", State.NEEDS_REVISION, State.SUBMITTED, Role.OPERATOR),
    Step("start_verification", State.SUBMITTED, State.IN_VERIFICATION, Role.VERIFIER),
)


@dataclass
class Case:
    """A case in verification with the verifier and the operator who act on it;
    ``row`` is its table row while the bare writes play it."""

    record: Registration
    verifier: User
    operator: User
    row: dict[str, Any] = field(default_factory=dict)

    def actor(self, step: Step) -> User:
        return self.verifier if step.role == Role.VERIFIER else self.operator


# --- picking the cases --------------------------------------------------------


def _members(role: str, organisation_ids: set[int]) -> dict[int, User]:
    """The first active member with ``role`` of each organisation."""
    memberships = (
        Membership.objects.filter(
            is_active=True,
            user__is_active=True,
            organisation_role__role=role,
            organisation_role__organisation_id__in=organisation_ids,
        )
        .select_related("user", "organisation_role")
        .order_by("user_id")
    )
    found: dict[int, User] = {}
    for membership in memberships:
        found.setdefault(membership.organisation_role.organisation_id, membership.user)
    return found


def cases_pick(count: int) -> list[Case]:
    """Up to ``count`` cases in verification, each with its real actors."""
    if connection.vendor != "postgresql":
        raise Refused("The benchmark needs PostgreSQL (set DATABASE_URL); not SQLite.")
    records = list(
        Registration.objects.filter(state=State.IN_VERIFICATION)
        .select_related("lks")
        .order_by("pk")[:count]
    )
    verifiers = _members(Role.VERIFIER, {r.office_id for r in records})
    operators = _members(Role.OPERATOR, {r.lks.organisation_id for r in records})
    cases = [
        Case(r, verifiers[r.office_id], operators[r.lks.organisation_id])
        for r in records
        if r.office_id in verifiers and r.lks.organisation_id in operators
    ]
    if not cases:
        raise Refused("No case in verification: run `python -m bench generate` first.")
    return cases


# --- through the service ------------------------------------------------------


def _transition(case: Case, step: Step) -> None:
    # The receipt number is kept from the first reception: given, as the
    # reception view gives it, and left unchanged.
    data = {"receipt_number": "-"} if step.name == "start_verification" else None
    case.record = transition_run(
        actor=case.actor(step),
        record=case.record,
        transition=step.name,
        reason=step.reason,
        data=data,
    )


def service_run(cases: list[Case]) -> float:
    """Seconds for one whole cycle of every case through the service."""
    started = time.perf_counter()
    for step in CYCLE:
        for case in cases:
            _transition(case, step)
    return time.perf_counter() - started


def service_statements(case: Case) -> list[str]:
    """The SQL of one transition (the cycle's first), one whole cycle run."""
    captured = []
    for step in CYCLE:
        with CaptureQueriesContext(connection) as queries:
            _transition(case, step)
        captured.append([str(q["sql"]) for q in queries.captured_queries])
    return captured[0]


# --- the bare writes ----------------------------------------------------------


@dataclass(frozen=True)
class BareSql:
    update: str
    insert: str
    attnames: list[str]  # the INSERT's parameters, in order


def _history_model() -> type[Model]:
    model: type[Model] = Registration.history.model
    return model


def _bare_sql() -> BareSql:
    quote = connection.ops.quote_name
    history = _history_model()
    fields = [f for f in history._meta.concrete_fields if f.attname != "history_id"]
    columns = ", ".join(quote(str(f.column)) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    return BareSql(
        update=f"UPDATE {quote(Registration._meta.db_table)}"  # noqa: S608 (our names)
        " SET state = %s, version = %s, updated_at = %s WHERE id = %s",
        insert=f"INSERT INTO {quote(history._meta.db_table)} ({columns})"  # noqa: S608
        f" VALUES ({values}) RETURNING history_id",
        attnames=[f.attname for f in fields],
    )


def _bare_write(case: Case, step: Step, sql: BareSql, written: list[int]) -> None:
    """The state UPDATE and one history INSERT, as plausible as the service's."""
    now, row = timezone.now(), case.row
    source = row["state"]
    row.update(state=step.target, version=row["version"] + 1, updated_at=now)
    history = {
        **row,
        "history_date": now,
        "history_type": "~",
        "history_user_id": case.actor(step).pk,
        "history_change_reason": step.reason,
        "transition": step.name,
        "source_state": source,
        "target_state": step.target,
        "prev_hash": row["audit_head"],
        "entry_hash": "0" * 64,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.update, [step.target, row["version"], now, row["id"]])
        cursor.execute(sql.insert, [history[a] for a in sql.attnames])
        written.append(cursor.fetchone()[0])


def bare_run(cases: list[Case]) -> float:
    """Seconds for the cycle's steps as bare writes; then every trace undone."""
    by_pk = {c.record.pk: c for c in cases}
    for row in Registration.objects.filter(pk__in=by_pk).values():
        by_pk[row["id"]].row = dict(row)
    saved = {pk: dict(c.row) for pk, c in by_pk.items()}
    sql, written = _bare_sql(), list[int]()
    try:
        started = time.perf_counter()
        for step in CYCLE:
            for case in cases:
                _bare_write(case, step, sql, written)
        return time.perf_counter() - started
    finally:
        _bare_undo(saved, written)


def _bare_undo(saved: dict[int, dict[str, Any]], written: list[int]) -> None:
    table = connection.ops.quote_name(_history_model()._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE history_id = ANY(%s)",  # noqa: S608
                [written],
            )
        for pk, row in saved.items():
            Registration.objects.filter(pk=pk).update(
                state=row["state"], version=row["version"], updated_at=row["updated_at"]
            )


# --- the whole ----------------------------------------------------------------


def transitions_measure(*, count: int = 300) -> dict[str, Any]:
    """At least ``count`` transitions through the service and as many bare
    writes, in whole cycles (each case ends where it began).

    A few cases at a time, the service's cycle then the bare writes' on the
    same rows: a load that comes and goes on a shared machine weighs on both.
    """
    cases = cases_pick(math.ceil(count / len(CYCLE)))
    rounds = math.ceil(count / (len(CYCLE) * len(cases)))
    service_seconds = bare_seconds = 0.0
    for _ in range(rounds):
        for chunk in itertools.batched(cases, CHUNK):
            service_seconds += service_run(list(chunk))
            bare_seconds += bare_run(list(chunk))
    statements = service_statements(cases[0])
    done = rounds * len(CYCLE) * len(cases)
    return {
        "transitions_per_s": round(done / service_seconds, 1),
        "baseline_writes_per_s": round(done / bare_seconds, 1),
        "transition_ratio": round(service_seconds / bare_seconds, 2),
        "transition_queries": len(statements),
        "transition_statements": statements,
        "transition_count": done,
    }
