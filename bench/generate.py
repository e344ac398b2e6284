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

import datetime as dt
import json
import logging
import random
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from psycopg import sql
from viewflow.workflow.fields import get_flow_ref, get_task_ref
from viewflow.workflow.models import Process, Task

from cases.flows import RegistrationFlow
from cases.models import (
    Lks,
    LksGroupObjectPermission,
    Registration,
    RegistrationGroupObjectPermission,
    RegistrationProcess,
)
from cases.services import portal
from cases.services.registration import _LKS_GRANTS, _OFFICE_GRANTS
from workflow.audit import GENESIS, entry_hash, head_seal
from workflow.calendar import add_working_days
from workflow.models import (
    AuditHead,
    Membership,
    Organisation,
    OrganisationRole,
    Region,
    Role,
    TaskDeadline,
    User,
)

SCALE_FULL = 1.0
SCALE_SMALL = 0.01
LKS_FULL = 50_000
CASES_PER_LKS = 4  # 200,000 cases at full size
VERIFIERS_PER_OFFICE = 3
# Profile edits per LKS (each one history row), on average: with the cases'
# transitions and the tasks' own history, about 5,000,000 history rows in all.
LKS_EDITS_MEAN = 33
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
BUDGET_DAYS = 14  # OfficePolicy.verification_working_days' default
CASES_PER_BATCH = 2_000
SEED = 8
HUMAN_PERMISSIONS = {
    "verify": "cases.verify_registration",
    "sign": "cases.sign_registration",
}
State = Registration.State


class Refused(Exception):
    """The database is not one the generator may fill."""


@dataclass(frozen=True)
class Report:
    seconds: float
    rows: dict[str, int]


# --- bulk writing -------------------------------------------------------------


def _reserve(cursor: CursorWrapper, model: type[models.Model], count: int) -> int:
    """The first of ``count`` fresh primary keys, taken from the table's sequence."""
    table, column = model._meta.db_table, model._meta.pk.column
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
    (sequence,) = cursor.fetchone()
    cursor.execute("SELECT nextval(%s)", [sequence])
    (first,) = cursor.fetchone()
    if count > 1:
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return int(first)


def _copy(
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


def _copy_records(
    cursor: CursorWrapper, model: type[models.Model], records: Sequence[dict]
) -> None:
    """COPY records given as ``{attname: value}`` into the model's own table."""
    fields = [f for f in model._meta.local_concrete_fields if f.attname in records[0]]
    rows = ([record[f.attname] for f in fields] for record in records)
    _copy(cursor, model._meta.db_table, [str(f.column) for f in fields], rows)


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
        _copy(cursor, self.model._meta.db_table, self.columns, self.rows)
        columns = ["history_model", "record_id", "head", "seal"]
        _copy(cursor, AuditHead._meta.db_table, columns, self.heads)
        self.count += len(self.rows)
        self.rows.clear()
        self.heads.clear()


# --- the nation ---------------------------------------------------------------


@dataclass
class Office:
    id: int
    region_id: int
    region_code: str
    province_id: int
    verifiers: list[int] = field(default_factory=list)
    signer: int = 0


@dataclass
class Nation:
    now: dt.datetime
    rng: random.Random
    offices: dict[int, Office] = field(default_factory=dict)  # by region id
    lks: list[tuple[int, int, int]] = field(
        default_factory=list
    )  # id, region, operator
    chains: dict[str, Chains] = field(default_factory=dict)

    def history(self, model: type[models.Model]) -> Chains:
        label = model._meta.label
        if label not in self.chains:
            self.chains[label] = Chains(model)
        return self.chains[label]

    def flush(self, cursor: CursorWrapper) -> None:
        for chains in self.chains.values():
            chains.flush(cursor)


def _organisations(cursor: CursorWrapper, specs: Sequence[tuple[str, str, int]]) -> int:
    """Organisations ``(name, kind, region id)``; the first new id."""
    first = _reserve(cursor, Organisation, len(specs))
    rows = [
        (first + i, name, kind, "", region, True)
        for i, (name, kind, region) in enumerate(specs)
    ]
    columns = ["id", "name", "kind", "agency", "region_id", "is_active"]
    _copy(cursor, Organisation._meta.db_table, columns, rows)
    return first


def _roles(
    cursor: CursorWrapper, pairs: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """One group and OrganisationRole per (organisation, role), named as
    ``organisation_role_get_or_create`` names them; group id by pair."""
    first_group = _reserve(cursor, Group, len(pairs))
    first_role = _reserve(cursor, OrganisationRole, len(pairs))
    groups = [(first_group + i, f"org{o}:{r}") for i, (o, r) in enumerate(pairs)]
    _copy(cursor, Group._meta.db_table, ["id", "name"], groups)
    roles = [(first_role + i, o, r, first_group + i) for i, (o, r) in enumerate(pairs)]
    columns = ["id", "organisation_id", "role", "group_id"]
    _copy(cursor, OrganisationRole._meta.db_table, columns, roles)
    return {pair: first_group + i for i, pair in enumerate(pairs)}


def _users(cursor: CursorWrapper, nation: Nation, usernames: Sequence[str]) -> int:
    """Accounts without a usable password (tests sign them in directly)."""
    first = _reserve(cursor, User, len(usernames))
    rows = [
        {
            "id": first + i,
            "password": "!bench",  # unusable: nobody signs in with a password
            "is_superuser": False,
            "username": name,
            "first_name": "Pengguna",
            "last_name": name,
            "email": f"{name}@bench.example.id",
            "is_staff": False,
            "is_active": True,
            "date_joined": nation.now,
            "nip": "",
        }
        for i, name in enumerate(usernames)
    ]
    _copy_records(cursor, User, rows)
    return first


def _members(
    cursor: CursorWrapper,
    nation: Nation,
    members: Sequence[tuple[int, int, str]],
    groups: dict[tuple[int, str], int],
) -> None:
    """Memberships ``(user, organisation, role)``, their group and their one
    history row, as ``membership_grant`` writes them."""
    cursor.execute(
        "SELECT organisation_id, role, id FROM workflow_organisationrole"
        " WHERE group_id = ANY(%s)",
        [list(groups.values())],
    )
    role_ids = {(o, r): i for o, r, i in cursor.fetchall()}
    first = _reserve(cursor, Membership, len(members))
    history = nation.history(Membership)
    records = []
    for i, (user, organisation, role) in enumerate(members):
        record = {
            "id": first + i,
            "user_id": user,
            "organisation_role_id": role_ids[(organisation, role)],
            "is_active": True,
            "created_at": nation.now,
        }
        records.append(record)
        row = history.row(
            record, when=nation.now, kind="+", user=None, transition="membership_grant"
        )
        history.chain(record["id"], [row])
    _copy_records(cursor, Membership, records)
    through = User.groups.through._meta.db_table
    pairs = ((user, groups[(org, role)]) for user, org, role in members)
    _copy(cursor, through, ["user_id", "group_id"], pairs)
    history.flush(cursor)


def offices_generate(cursor: CursorWrapper, nation: Nation) -> None:
    """One Dinas Sosial per kabupaten/kota and per province, with their staff:
    verifiers, a signer and a supervisor (a supervisor only, in a province)."""
    provinces = list(
        Region.objects.filter(level=Region.Level.PROVINCE).values_list("id", "name")
    )
    regencies = list(
        Region.objects.filter(level=Region.Level.REGENCY)
        .order_by("code")
        .values_list("id", "code", "name", "parent_id")
    )
    specs = [
        (f"Dinas Sosial {n}", Organisation.Kind.DINSOS_REGENCY, r)
        for r, _, n, _ in regencies
    ]
    specs += [
        (f"Dinas Sosial Provinsi {n}", Organisation.Kind.DINSOS_PROVINCE, r)
        for r, n in provinces
    ]
    first = _organisations(cursor, specs)
    province_office = {
        r: first + len(regencies) + i for i, (r, _) in enumerate(provinces)
    }
    for i, (region, code, _, parent) in enumerate(regencies):
        nation.offices[region] = Office(
            first + i, region, code, province_office[parent]
        )
    staff_roles = [Role.VERIFIER] * VERIFIERS_PER_OFFICE + [
        Role.SIGNER,
        Role.SUPERVISOR,
    ]
    pairs = [
        (o.id, r) for o in nation.offices.values() for r in dict.fromkeys(staff_roles)
    ]
    pairs += [(o, Role.SUPERVISOR) for o in province_office.values()]
    groups = _roles(cursor, pairs)
    members: list[tuple[str, int, str]] = []  # username, organisation, role
    for office in nation.offices.values():
        for k, role in enumerate(staff_roles):
            members.append((f"{role}{k}.{office.region_code}", office.id, role))
    for region, office_id in province_office.items():
        members.append((f"supervisor.provinsi{region}", office_id, Role.SUPERVISOR))
    first_user = _users(cursor, nation, [m[0] for m in members])
    by_id = {o.id: o for o in nation.offices.values()}
    for i, (_, office_id, member_role) in enumerate(members):
        staff_office = by_id.get(office_id)
        if staff_office is not None and member_role == Role.VERIFIER:
            staff_office.verifiers.append(first_user + i)
        elif staff_office is not None and member_role == Role.SIGNER:
            staff_office.signer = first_user + i
    rows = [(first_user + i, o, r) for i, (_, o, r) in enumerate(members)]
    _members(cursor, nation, rows, groups)


def lks_generate(cursor: CursorWrapper, nation: Nation, count: int) -> None:
    """``count`` LKS over every kabupaten/kota in turn, each with its
    organisation, operator (membership and group), profile history and grants."""
    regions = list(nation.offices)
    specs = [
        (f"LKS Sejahtera {i + 1}", Organisation.Kind.LKS, regions[i % len(regions)])
        for i in range(count)
    ]
    first_org = _organisations(cursor, specs)
    groups = _roles(cursor, [(first_org + i, Role.OPERATOR) for i in range(count)])
    names = [f"operator.lks{first_org + i}" for i in range(count)]
    first_user = _users(cursor, nation, names)
    members = [(first_user + i, first_org + i, Role.OPERATOR) for i in range(count)]
    _members(cursor, nation, members, groups)
    first = _reserve(cursor, Lks, count)
    history = nation.history(Lks)
    records: list[dict[str, Any]] = []
    for i, (name, _, region) in enumerate(specs):
        record = _lks_record(nation, first + i, first_org + i, name, region)
        records.append(_lks_history(nation, history, record, first_user + i))
        nation.lks.append((first + i, region, first_user + i))
        if len(records) == CASES_PER_BATCH or i == count - 1:
            _copy_records(cursor, Lks, records)
            history.flush(cursor)
            records.clear()
    _grant(cursor, Lks, LksGroupObjectPermission, _LKS_SQL, _lks_grants())


def _lks_record(
    nation: Nation, lks_id: int, organisation: int, name: str, region: int
) -> dict[str, Any]:
    created = nation.now - dt.timedelta(days=nation.rng.uniform(1100, 1500))
    return {
        "id": lks_id,
        "organisation_id": organisation,
        "name": name,
        "legal_form": Lks.LegalForm.YAYASAN.value,
        "has_legal_entity": True,
        "deed_number": f"{lks_id % 97 + 1}",
        "deed_date": dt.date(2015, 3, 2),
        "sk_kemenkumham": f"AHU-{lks_id:07d}.AH.01.04.Tahun 2015",
        "npwp": f"{lks_id:015d}",
        "address": f"Jl. Kesejahteraan No. {lks_id % 200 + 1}",
        "region_id": region,
        "kecamatan_code": "",
        "desa_code": "",
        "latitude": None,
        "longitude": None,
        "scope": Lks.Scope.REGENCY.value,
        "service_types": ["anak"],
        "capacity": 40,
        "current_clients": 25,
        "phone": "",
        "email": "",
        "created_at": created,
    }


def _lks_history(
    nation: Nation, history: Chains, record: dict[str, Any], operator: int
) -> dict[str, Any]:
    """Registered, then edited a few times by its operator; the final record."""
    when = record["created_at"]
    rows = [
        history.row(
            record, when=when, kind="+", user=operator, transition="lks_register"
        )
    ]
    for _ in range(nation.rng.randint(0, 2 * LKS_EDITS_MEAN)):
        when += dt.timedelta(days=nation.rng.uniform(1, 60))
        clients = nation.rng.randint(5, 40)
        record = {**record, "current_clients": clients, "phone": f"0812{clients:08d}"}
        rows.append(
            history.row(
                record,
                when=when,
                kind="~",
                user=operator,
                transition="lks_profile_update",
            )
        )
    history.chain(record["id"], rows)
    return record


# --- grants -------------------------------------------------------------------

# Each record with the organisations its grants go to: its LKS's own
# organisation, the office responsible for it and the provincial office.
_LKS_SQL = """
    SELECT l.id, l.organisation_id AS own, office.id AS office, prov.id AS province
    FROM cases_lks l
    JOIN workflow_organisation office
      ON office.region_id = l.region_id AND office.kind = 'dinsos_regency'
    JOIN workflow_region region ON region.id = l.region_id
    JOIN workflow_organisation prov
      ON prov.region_id = region.parent_id AND prov.kind = 'dinsos_province'
"""
_REGISTRATION_SQL = """
    SELECT r.id, l.organisation_id AS own, r.office_id AS office, prov.id AS province
    FROM cases_registration r
    JOIN cases_lks l ON l.id = r.lks_id
    JOIN workflow_region region ON region.id = l.region_id
    JOIN workflow_organisation prov
      ON prov.region_id = region.parent_id AND prov.kind = 'dinsos_province'
"""


def _lks_grants() -> list[tuple[str, str, str]]:
    """``lks_access_grant``'s grants as (whose, role, permission)."""
    grants = [("own", Role.OPERATOR, p) for p in (portal.VIEW, portal.OPERATE)]
    grants += [
        ("office", role, portal.VIEW)
        for role in (Role.VERIFIER, Role.SIGNER, Role.SUPERVISOR)
    ]
    return [*grants, ("province", Role.SUPERVISOR, portal.VIEW)]


def _registration_grants() -> list[tuple[str, str, str]]:
    """``registration_create``'s grants as (whose, role, permission)."""
    grants = [("office", r, p) for r, perms in _OFFICE_GRANTS.items() for p in perms]
    grants += [("own", r, p) for r, perms in _LKS_GRANTS.items() for p in perms]
    return [*grants, ("province", Role.SUPERVISOR, "cases.view_registration")]


def _grant(
    cursor: CursorWrapper,
    model: type[models.Model],
    permission_model: type[models.Model],
    records_sql: str,
    grants: Sequence[tuple[str, str, str]],
) -> None:
    """guardian's direct group grants for every record, in one INSERT ... SELECT."""
    values = sql.SQL(", ").join(
        sql.SQL("({}, {}, {})").format(
            sql.Literal(whose), sql.Literal(str(role)), sql.Literal(perm.split(".")[1])
        )
        for whose, role, perm in grants
    )
    statement = sql.SQL(
        """
        INSERT INTO {table} (content_object_id, group_id, permission_id)
        SELECT rec.id, organisation_role.group_id, permission.id
        FROM ({records}) AS rec
        CROSS JOIN (VALUES {values}) AS grant_(whose, role, codename)
        JOIN workflow_organisationrole organisation_role
          ON organisation_role.role = grant_.role
         AND organisation_role.organisation_id = CASE grant_.whose
             WHEN 'own' THEN rec.own WHEN 'office' THEN rec.office
             ELSE rec.province END
        JOIN auth_permission permission
          ON permission.content_type_id = {content_type}
         AND permission.codename = grant_.codename
        """
    ).format(
        table=sql.Identifier(permission_model._meta.db_table),
        records=sql.SQL(records_sql),
        values=values,
        content_type=sql.Literal(ContentType.objects.get_for_model(model).pk),
    )
    cursor.execute(statement.as_string(connection.connection))


# --- cases, processes, tasks --------------------------------------------------


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


def case_play(run: CaseRun, state: str, *, revised: bool) -> None:
    """Walk one case to ``state`` through the same steps as the services."""
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
    if is_open:
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
    if revised:
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
    first = _reserve(cursor, Registration, total)
    ids = {
        "process": _reserve(cursor, Process, 1) - 1,
        "task": _reserve(cursor, Task, 1) - 1,
    }
    states, weights = list(STATES), list(STATES.values())
    batch: list[CaseRun] = []
    for n in range(total):
        run = CaseRun(
            nation, ids, case_id=first + n, lks=nation.lks[n // CASES_PER_LKS]
        )
        state = nation.rng.choices(states, weights)[0]
        case_play(run, state, revised=nation.rng.random() < REVISED_SHARE)
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
    _grant(
        cursor,
        Registration,
        RegistrationGroupObjectPermission,
        _REGISTRATION_SQL,
        _registration_grants(),
    )


def _cases_write(
    cursor: CursorWrapper, nation: Nation, batch: Sequence[CaseRun]
) -> None:
    _copy_records(cursor, Registration, [run.record for run in batch])
    processes = [run.process for run in batch if run.process]
    _copy_records(cursor, Process, processes)
    links = [(run.process["id"], run.case_id) for run in batch if run.process]
    columns = [RegistrationProcess._meta.pk.column, "registration_id"]
    _copy(cursor, RegistrationProcess._meta.db_table, columns, links)
    _copy_records(cursor, Task, [task for run in batch for task in run.tasks])
    _copy_records(cursor, TaskDeadline, [d for run in batch for d in run.deadlines])
    nation.flush(cursor)


# --- the whole --------------------------------------------------------------


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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Report(seconds=time.monotonic() - started, rows=row_counts())
