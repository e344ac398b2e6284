"""Registration cases played through: the case, its process, tasks, deadlines and history."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from viewflow.workflow.fields import get_flow_ref, get_task_ref
from viewflow.workflow.models import Process, Task

from bench.nation.bulk import copy_records, copy_rows, reserve
from bench.nation.grants import registration_grant
from bench.nation.people import CASES_PER_BATCH, Nation
from cases.flows import RegistrationFlow
from cases.models import (
    Registration,
    RegistrationProcess,
)
from workflow.calendar import add_working_days
from workflow.models import (
    TaskDeadline,
)

CASES_PER_LKS = 4  # 200,000 cases at full size
# Case states. A quarter of the cases are open so that about 5% of the tasks
# are (each closed case leaves five or more finished tasks behind it).
STATES: dict[str, float] = {
    Registration.State.CERTIFICATE_ISSUED: 0.70,
    Registration.State.REJECTED: 0.04,
    Registration.State.WITHDRAWN: 0.03,
    Registration.State.SUBMITTED: 0.09,
    Registration.State.IN_VERIFICATION: 0.07,
    Registration.State.VERIFIED: 0.035,
    Registration.State.APPROVED: 0.035,
}
REVISED_SHARE = 0.2  # decided cases that went back to the LKS once
# One case went back to its LKS this many times: its timeline has about 200
# entries (each round: revision asked, resubmitted, verification started,
# verify task claimed), for the case page's measure.
LONG_CASE_REVISIONS = 50
BUDGET_DAYS = 14  # OfficePolicy.verification_working_days' default
HUMAN_PERMISSIONS = {
    "verify": "cases.verify_registration",
    "sign": "cases.sign_registration",
}
State = Registration.State


class CaseRun:
    """One registration case played through, writing what the services and
    the flow write: the case and its transitions, its process, the tasks
    with their history and, for staff tasks, their deadline."""

    def __init__(
        self,
        nation: Nation,
        ids: dict[str, int],
        *,
        case_id: int,
        lks: tuple[int, int, int],
    ) -> None:
        self.nation, self.ids = nation, ids
        lks_id, region, self.operator = lks
        self.office = nation.offices[region]
        self.record: dict[str, Any] = {}
        self.rows: list[dict[str, Any]] = []
        self.process: dict[str, Any] = {}
        self.tasks: list[dict[str, Any]] = []
        self.task_rows: dict[int, list[dict[str, Any]]] = {}
        self.deadlines: list[dict[str, Any]] = []
        self.case_id, self.lks_id = case_id, lks_id

    # the case (registration_create, transition_run)

    def create(self, when: dt.datetime) -> None:
        self.record = {
            "id": self.case_id,
            "version": 0,
            "audit_head": "",
            "reference": uuid.UUID(int=self.nation.rng.getrandbits(128), version=4),
            "lks_id": self.lks_id,
            "kind": Registration.Kind.FIRST.value,
            "office_id": self.office.id,
            "state": State.DRAFT.value,
            "previous_certificate_id": None,
            "receipt_number": "",
            "submitted_at": None,
            "rejection_ground": "",
            "created_at": when,
            "updated_at": when,
        }
        history = self.nation.history(Registration)
        self.rows.append(
            history.row(
                self.record,
                when=when,
                kind="+",
                user=self.operator,
                transition="registration_create",
                target=State.DRAFT,
            )
        )

    def transition(
        self,
        name: str,
        target: str,
        *,
        actor: int,
        when: dt.datetime,
        reason: str = "",
        **changes: Any,
    ) -> None:
        source = self.record["state"]
        self.record.update(
            state=str(target),
            version=self.record["version"] + 1,
            updated_at=when,
            **changes,
        )
        history = self.nation.history(Registration)
        self.rows.append(
            history.row(
                self.record,
                when=when,
                kind="~",
                user=actor,
                reason=reason,
                transition=name,
                source=source,
                target=target,
            )
        )

    # the process and its tasks (viewflow)

    def process_start(self, when: dt.datetime) -> None:
        self.ids["process"] += 1
        self.process = {
            "id": self.ids["process"],
            "flow_class": get_flow_ref(RegistrationFlow),
            "status": "NEW",
            "created": when,
            "finished": None,
            "data": {},
        }
        start = self.task_open("start", when, status="DONE")
        start.update(started=when, finished=when)
        self.task_rows[start["id"]] = []
        self._task_row(start, when, "+", None)

    def process_end(self, when: dt.datetime, status: str = "DONE") -> None:
        if status == "DONE":
            end = self.task_open("end", when)
            self.task_done(end, when, started=True)
        self.process.update(status=status, finished=when)

    def task_open(
        self, step: str, when: dt.datetime, status: str = "NEW"
    ) -> dict[str, Any]:
        node = getattr(RegistrationFlow, step)
        self.ids["task"] += 1
        task: dict[str, Any] = {
            "id": self.ids["task"],
            "flow_task": get_task_ref(node),
            "flow_task_type": node.task_type,
            "status": status,
            "created": when,
            "assigned": None,
            "started": None,
            "finished": None,
            "token": "start",
            "owner_permission": HUMAN_PERMISSIONS.get(step),
            "owner_id": None,
            "process_id": self.process["id"],
            "owner_permission_content_type_id": None,
            "owner_permission_obj_pk": None,
            "data": {},
        }
        if step in HUMAN_PERMISSIONS:
            registration_type = ContentType.objects.get_for_model(Registration)
            task["owner_permission_content_type_id"] = registration_type.pk
            task["owner_permission_obj_pk"] = str(self.case_id)
            self._deadline(task, node.role, when)
        self.tasks.append(task)
        if status == "NEW":
            self.task_rows[task["id"]] = []
            self._task_row(task, when, "+", None)
        return task

    def task_claim(self, task: dict[str, Any], user: int, when: dt.datetime) -> None:
        task.update(status="ASSIGNED", owner_id=user, assigned=when)
        self._task_row(task, when, "~", user)

    def task_done(
        self,
        task: dict[str, Any],
        when: dt.datetime,
        *,
        status: str = "DONE",
        started: bool = False,
        user: int | None = None,
    ) -> None:
        task.update(status=status, finished=when)
        if started or task["owner_id"]:
            task["started"] = when
        self._task_row(task, when, "~", user or task["owner_id"])

    def gateway(self, step: str, when: dt.datetime) -> None:
        self.task_done(self.task_open(step, when), when)

    def _task_row(
        self, task: dict[str, Any], when: dt.datetime, kind: str, user: int | None
    ) -> None:
        history = self.nation.history(Task)
        self.task_rows[task["id"]].append(
            history.row(task, when=when, kind=kind, user=user, reason=None)
        )

    def _deadline(self, task: dict[str, Any], role: str, when: dt.datetime) -> None:
        started = timezone.localdate(when)
        self.deadlines.append(
            {
                "task_id": task["id"],
                "office_id": self.office.id,
                "region_id": self.office.region_id,
                "role": str(role),
                "budget_days": BUDGET_DAYS,
                "started_on": started,
                "due_date": _due_date(started),
            }
        )

    def seal(self) -> None:
        """Chain the case's and the tasks' history; the case keeps its head."""
        self.record["audit_head"] = self.nation.history(Registration).chain(
            self.case_id, self.rows
        )
        tasks = self.nation.history(Task)
        for task_id, rows in self.task_rows.items():
            tasks.chain(task_id, rows)


_DUE: dict[dt.date, dt.date] = {}


def _due_date(started: dt.date) -> dt.date:
    if started not in _DUE:
        _DUE[started] = add_working_days(started, BUDGET_DAYS)
    return _DUE[started]


def case_play(run: CaseRun, state: str, *, revisions: int = 0) -> None:
    """Walk one case to ``state`` through the same steps as the services,
    sent back to the LKS ``revisions`` times on the way."""
    rng, office = run.nation.rng, run.office
    verifier, signer, operator = (
        rng.choice(office.verifiers),
        office.signer,
        run.operator,
    )
    is_open = state in {
        State.SUBMITTED,
        State.IN_VERIFICATION,
        State.VERIFIED,
        State.APPROVED,
    }
    # Open cases began in the last weeks (their tasks fall due around today),
    # closed ones over the last three years.
    if revisions > 1:  # the long case: a year of back and forth
        when, step = run.nation.now - dt.timedelta(days=400), 2.0
    elif is_open:
        when, step = run.nation.now - dt.timedelta(days=rng.uniform(5, 30)), 0.6
    else:
        when, step = run.nation.now - dt.timedelta(days=rng.uniform(60, 1100)), 10.0

    def later() -> dt.datetime:
        nonlocal when
        when += dt.timedelta(days=rng.uniform(0.01, step))
        return when

    run.create(when)
    run.transition(
        "submit", State.SUBMITTED, actor=operator, when=later(), submitted_at=when
    )
    run.process_start(when)
    verify = run.task_open("verify", when)
    if state == State.WITHDRAWN:
        run.transition(
            "withdraw",
            State.WITHDRAWN,
            actor=operator,
            when=later(),
            reason="Ditarik oleh LKS.",
        )
        run.task_done(verify, when, status="CANCELED", user=operator)
        run.process_end(when, status="CANCELED")
        return
    if state == State.SUBMITTED:
        return
    receipt = (
        f"{office.region_code}-{timezone.localdate(when):%Y%m%d}-{run.case_id:06d}"
    )
    run.task_claim(verify, verifier, later())
    run.transition(
        "start_verification",
        State.IN_VERIFICATION,
        actor=verifier,
        when=when,
        receipt_number=receipt,
    )
    for _ in range(revisions):
        verify = _revision(run, verify, verifier, later)
    if state == State.IN_VERIFICATION:
        return
    if state == State.REJECTED:
        run.transition(
            "reject",
            State.REJECTED,
            actor=verifier,
            when=later(),
            reason="Persyaratan tidak lengkap.",
            rejection_ground="incomplete",
        )
        run.task_done(verify, when)
        run.gateway("after_verify", when)
        run.gateway("after_verify_not_verified", when)
        run.process_end(when)
        return
    run.transition("verify", State.VERIFIED, actor=verifier, when=later())
    run.task_done(verify, when)
    run.gateway("after_verify", when)
    sign = run.task_open("sign", when)
    if state == State.VERIFIED:
        return
    run.task_claim(sign, signer, later())
    run.transition("approve", State.APPROVED, actor=signer, when=when)
    if state == State.APPROVED:
        return
    run.transition(
        "issue_certificate", State.CERTIFICATE_ISSUED, actor=signer, when=later()
    )
    run.task_done(sign, when)
    run.process_end(when)


def _revision(
    run: CaseRun, verify: dict[str, Any], verifier: int, later: Any
) -> dict[str, Any]:
    """Back to the LKS once and resubmitted; the new verify task, claimed."""
    when = later()
    run.transition(
        "request_revision",
        State.NEEDS_REVISION,
        actor=verifier,
        when=when,
        reason="Berkas perlu dilengkapi.",
    )
    run.task_done(verify, when)
    run.gateway("after_verify", when)
    run.gateway("after_verify_not_verified", when)
    revise = run.task_open("revise", when)
    when = later()
    run.transition(
        "submit", State.SUBMITTED, actor=run.operator, when=when, submitted_at=when
    )
    run.task_done(revise, when, started=True)
    verify = run.task_open("verify", when)
    when = later()
    run.task_claim(verify, verifier, when)
    run.transition(
        "start_verification", State.IN_VERIFICATION, actor=verifier, when=when
    )
    return verify


def cases_generate(cursor: CursorWrapper, nation: Nation) -> None:
    """``CASES_PER_LKS`` cases per LKS in mixed states, with processes, tasks,
    deadlines, history and grants; written a batch of cases at a time."""
    total = len(nation.lks) * CASES_PER_LKS
    first = reserve(cursor, Registration, total)
    ids = {
        "process": reserve(cursor, Process, 1) - 1,
        "task": reserve(cursor, Task, 1) - 1,
    }
    states, weights = list(STATES), list(STATES.values())
    # The first case of the busiest office is the long one.
    busiest = Counter(region for _, region, _ in nation.lks).most_common(1)[0][0]
    long_case = next(
        i * CASES_PER_LKS for i, lks in enumerate(nation.lks) if lks[1] == busiest
    )
    batch: list[CaseRun] = []
    for n in range(total):
        run = CaseRun(
            nation, ids, case_id=first + n, lks=nation.lks[n // CASES_PER_LKS]
        )
        if n == long_case:
            case_play(run, State.IN_VERIFICATION, revisions=LONG_CASE_REVISIONS)
        else:
            state = nation.rng.choices(states, weights)[0]
            case_play(run, state, revisions=int(nation.rng.random() < REVISED_SHARE))
        run.seal()
        batch.append(run)
        if len(batch) == CASES_PER_BATCH or n == total - 1:
            _cases_write(cursor, nation, batch)
            batch.clear()
    for model in (Process, Task):
        table, column = model._meta.db_table, model._meta.pk.column
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT max({column}) FROM {table}))",  # noqa: S608
            [table, column],
        )
    registration_grant(cursor)


def _cases_write(
    cursor: CursorWrapper, nation: Nation, batch: Sequence[CaseRun]
) -> None:
    copy_records(cursor, Registration, [run.record for run in batch])
    processes = [run.process for run in batch if run.process]
    copy_records(cursor, Process, processes)
    links = [(run.process["id"], run.case_id) for run in batch if run.process]
    columns = [RegistrationProcess._meta.pk.column, "registration_id"]
    copy_rows(cursor, RegistrationProcess._meta.db_table, columns, links)
    copy_records(cursor, Task, [task for run in batch for task in run.tasks])
    # Each deadline keeps a copy of its task's final status and owner.
    tasks = {task["id"]: task for run in batch for task in run.tasks}
    deadlines = [
        {
            **deadline,
            "status": tasks[deadline["task_id"]]["status"],
            "owner_id": tasks[deadline["task_id"]]["owner_id"],
        }
        for run in batch
        for deadline in run.deadlines
    ]
    copy_records(cursor, TaskDeadline, deadlines)
    nation.flush(cursor)
