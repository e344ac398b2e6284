"""The best hand-written SQL for each staff list page: the same 25 rows and the
same total count the page shows, with the same access rule, against which the
page's server time is compared.

Each baseline is a list of statements run and fetched in order; the first
page of each list, no filter. It reads the schema as it is, indexes and the
deadline's copy of task status and owner included: the best SQL, not the SQL
the page used to send. What the page adds on top (session, user, menu, filter
choices, template) is the page's own cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Permission
from django.db import connection

from bench.cast import Cast
from cases.selectors_overview import DECIDED_STATES, OPEN_STATES

Statement = tuple[str, dict[str, Any]]

# The user's active memberships in active organisations: (organisation, role, group).
_MINE = """
    SELECT o_r.organisation_id, o_r.role, o_r.group_id
    FROM workflow_membership m
    JOIN workflow_organisationrole o_r ON o_r.id = m.organisation_role_id
    JOIN workflow_organisation o ON o.id = o_r.organisation_id
    WHERE m.user_id = %(user)s AND m.is_active AND o.is_active
"""
# A task list's page: the 25 deadlines first (in index order), then their rows:
# the task, its deadline and region, its case's title and state.
_TASK_ROW = """
    WITH page AS (
        SELECT d.task_id, d.due_date, d.started_on, d.budget_days, d.region_id
        FROM {source}
        WHERE {where}
        ORDER BY d.due_date NULLS LAST, d.task_id
        LIMIT 25
    )
    SELECT t.id, t.process_id, t.flow_task, t.status, t.finished, t.owner_id,
           page.due_date, page.started_on, page.budget_days, rg.name, l.name,
           r.state
    FROM page
    JOIN viewflow_task t ON t.id = page.task_id
    JOIN workflow_region rg ON rg.id = page.region_id
    JOIN cases_registrationprocess rp ON rp.process_ptr_id = t.process_id
    JOIN cases_registration r ON r.id = rp.registration_id
    JOIN cases_lks l ON l.id = r.lks_id
    ORDER BY page.due_date NULLS LAST, t.id
"""
_TASK_COUNT = "SELECT count(*) FROM {source} WHERE {where}"
_BY_OWNER = "workflow_taskdeadline d"


def _task_list(source: str, where: str, params: dict[str, Any]) -> list[Statement]:
    return [
        (_TASK_ROW.format(source=source, where=where), params),
        (_TASK_COUNT.format(source=source, where=where), params),
    ]


def inbox(cast: Cast) -> list[Statement]:
    where = "d.owner_id = %(user)s AND d.status IN ('ASSIGNED', 'STARTED')"
    return _task_list(_BY_OWNER, where, {"user": cast.verifier.pk})


def archive(cast: Cast) -> list[Statement]:
    where = "d.owner_id = %(user)s AND d.status IN ('DONE', 'CANCELED')"
    return _task_list(_BY_OWNER, where, {"user": cast.verifier.pk})


def queue(cast: Cast) -> list[Statement]:
    source = f"""({_MINE}) mine
        JOIN workflow_taskdeadline d
          ON d.office_id = mine.organisation_id AND d.role = mine.role"""
    where = "d.status = 'NEW' AND d.owner_id IS NULL"
    return _task_list(source, where, {"user": cast.verifier.pk})


def office(cast: Cast) -> list[Statement]:
    source = f"""({_MINE}) mine
        JOIN workflow_taskdeadline d ON d.office_id = mine.organisation_id"""
    where = "mine.role = 'supervisor' AND d.status IN ('NEW', 'ASSIGNED', 'STARTED')"
    return _task_list(source, where, {"user": cast.supervisor.pk})


def _view_permission() -> int:
    return Permission.objects.get(
        content_type__app_label="cases", codename="view_registration"
    ).pk


# Cases the user holds cases.view_registration on, through an active membership.
_VISIBLE = f"""
    SELECT g.content_object_id FROM cases_registrationgroupobjectpermission g
    WHERE g.permission_id = %(permission)s
      AND g.group_id IN (SELECT mine.group_id FROM ({_MINE}) mine)
"""


def case_list(cast: Cast) -> list[Statement]:
    """The 25 newest visible cases (ids first, then their rows), and the count."""
    params = {"user": cast.verifier.pk, "permission": _view_permission()}
    rows = f"""
        WITH page AS (
            SELECT r.id, r.created_at FROM cases_registration r
            WHERE r.id IN ({_VISIBLE})
            ORDER BY r.created_at DESC, r.id DESC
            LIMIT 25
        )
        SELECT r.id, r.reference, r.state, r.kind, r.created_at, l.name, rg.name,
               o.name
        FROM page
        JOIN cases_registration r ON r.id = page.id
        JOIN cases_lks l ON l.id = r.lks_id
        JOIN workflow_region rg ON rg.id = l.region_id
        JOIN workflow_organisation o ON o.id = r.office_id
        ORDER BY page.created_at DESC, page.id DESC
    """
    count = f"SELECT count(*) FROM cases_registration r WHERE r.id IN ({_VISIBLE})"
    return [(rows, params), (count, params)]


def province(cast: Cast, *, today: dt.date) -> list[Statement]:
    """The province's offices, then per office: open, overdue, decided in 30 days."""
    offices = """
        SELECT o.id, o.name, rg.code FROM workflow_organisation o
        JOIN workflow_region rg ON rg.id = o.region_id
        WHERE o.is_active AND (rg.id = %(province)s OR rg.parent_id = %(province)s)
          AND o.kind IN ('dinsos_regency', 'dinsos_province')
        ORDER BY rg.code
    """
    params = {
        "user": cast.province_supervisor.pk,
        "permission": _view_permission(),
        "province": cast.office.region.parent_id,
        "open": [str(s) for s in OPEN_STATES],
        "decided": [str(s) for s in DECIDED_STATES],
        "today": today,
        "since": dt.datetime.combine(
            today - dt.timedelta(days=30), dt.time.min, tzinfo=dt.UTC
        ),
    }
    figures = f"""
        WITH offices AS MATERIALIZED ({offices}),
        visible AS MATERIALIZED ({_VISIBLE}),
        late AS MATERIALIZED (
            SELECT DISTINCT rp.registration_id AS id FROM workflow_taskdeadline d
            JOIN viewflow_task t ON t.id = d.task_id
            JOIN cases_registrationprocess rp ON rp.process_ptr_id = t.process_id
            WHERE d.office_id IN (SELECT id FROM offices)
              AND d.status IN ('NEW', 'ASSIGNED', 'STARTED')
              AND d.due_date < %(today)s),
        decided AS MATERIALIZED (
            SELECT DISTINCT h.id FROM cases_historicalregistration h
            WHERE h.office_id IN (SELECT id FROM offices)
              AND h.target_state = ANY(%(decided)s)
              AND h.history_date >= %(since)s)
        SELECT r.office_id, 'open', count(*) FROM visible v
        JOIN cases_registration r ON r.id = v.content_object_id
        WHERE r.state = ANY(%(open)s)
        GROUP BY r.office_id
        UNION ALL
        SELECT r.office_id, 'overdue', count(*) FROM late
        JOIN visible v ON v.content_object_id = late.id
        JOIN cases_registration r ON r.id = late.id
        GROUP BY r.office_id
        UNION ALL
        SELECT r.office_id, 'decided', count(*) FROM decided
        JOIN visible v ON v.content_object_id = decided.id
        JOIN cases_registration r ON r.id = decided.id
        GROUP BY r.office_id
    """
    return [(offices, params), (figures, params)]


BASELINES: dict[str, Callable[[Cast], list[Statement]]] = {
    "inbox": inbox,
    "queue": queue,
    "archive": archive,
    "office": office,
    "case_list": case_list,
}


def baseline_run(statements: list[Statement]) -> int:
    """Run the statements, fetching every row; the rows fetched."""
    fetched = 0
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            fetched += len(cursor.fetchall())
    return fetched
