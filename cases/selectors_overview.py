"""The case list's filters and the provincial supervisor's overview.

Both read cases through the user's grants (``registration_list_for_user``), so
a figure on the overview and the list it links to always count the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from cases.models import Registration
from cases.selectors import registration_list_for_user
from workflow.models import OPEN_STATUSES, Organisation, Role, TaskDeadline, User
from workflow.pagination import in_order
from workflow.selectors import active_memberships

State = Registration.State
OPEN_STATES = (
    State.SUBMITTED,
    State.IN_VERIFICATION,
    State.NEEDS_REVISION,
    State.VERIFIED,
    State.APPROVED,
)
DECIDED_STATES = (State.CERTIFICATE_ISSUED, State.REJECTED)


def late_deadlines(*, today: dt.date) -> QuerySet[TaskDeadline]:
    """Open office tasks past their due date (the partial index of open ones)."""
    return TaskDeadline.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today)


def decided_rows(*, since: dt.date) -> QuerySet[Any]:
    """History rows of decisions (issued or rejected) on or after ``since``."""
    start = dt.datetime.combine(
        since, dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    return Registration.history.filter(
        target_state__in=DECIDED_STATES, history_date__gte=start
    )


def overdue_q(*, today: dt.date) -> Q:
    """Cases with an open office task past its due date."""
    late = late_deadlines(today=today).filter(
        task__process__registrationprocess__registration=OuterRef("pk")
    )
    return Q(Exists(late))


def decided_since_q(*, since: dt.date) -> Q:
    """Cases decided (issued or rejected) on or after ``since``."""
    return Q(Exists(decided_rows(since=since).filter(id=OuterRef("pk"))))


@dataclass(frozen=True, kw_only=True)
class CaseFilters:
    state: str = ""  # a state, or "open"
    office_id: int | None = None
    overdue: bool = False
    decided_since: dt.date | None = None


def case_list(
    *, user: User, filters: CaseFilters, today: dt.date
) -> QuerySet[Registration]:
    """The cases ``user`` may view, narrowed by the list's filters."""
    cases = registration_list_for_user(user=user)
    if filters.state == "open":
        cases = cases.filter(state__in=OPEN_STATES)
    elif filters.state:
        cases = cases.filter(state=filters.state)
    if filters.office_id:
        cases = cases.filter(office_id=filters.office_id)
    if filters.overdue:
        cases = cases.filter(overdue_q(today=today))
    if filters.decided_since:
        cases = cases.filter(decided_since_q(since=filters.decided_since))
    return cases


def registration_rows(pks: list[int]) -> list[Registration]:
    """One page of the case list (case ids, in list order), ready to show."""
    cases = Registration.objects.select_related("lks__region", "office")
    return in_order(cases, pks)


@dataclass(frozen=True, kw_only=True)
class OfficeFigures:
    office: Organisation
    open: int
    overdue: int
    decided: int


def supervised_provinces(*, user: User) -> QuerySet[Organisation]:
    """The Dinas Sosial provinsi offices ``user`` supervises."""
    held = active_memberships().filter(
        user=user, organisation_role__role=Role.SUPERVISOR
    )
    return Organisation.objects.filter(
        kind=Organisation.Kind.DINSOS_PROVINCE,
        pk__in=held.values("organisation_role__organisation"),
    )


def province_overview(
    *, user: User, today: dt.date, since: dt.date
) -> list[OfficeFigures]:
    """Per office of the supervised provinces: open, overdue, decided since."""
    provinces = supervised_provinces(user=user)
    offices = list(
        Organisation.objects.filter(
            Q(pk__in=provinces.values("pk"))
            | Q(
                kind=Organisation.Kind.DINSOS_REGENCY,
                region__parent__in=provinces.values("region"),
            ),
            is_active=True,
        ).order_by("region__code")
    )
    counts = _office_counts(
        user=user, offices=[o.pk for o in offices], today=today, since=since
    )
    return [
        OfficeFigures(
            office=office,
            **{figure: counts.get((office.pk, figure), 0) for figure in FIGURES},
        )
        for office in offices
    ]


FIGURES = ("open", "overdue", "decided")


def _office_counts(
    *, user: User, offices: list[int], today: dt.date, since: dt.date
) -> dict[tuple[int, str], int]:
    """The three figures per office, in two queries.

    The same cases as the list's filters (``overdue_q``, ``decided_since_q``),
    but each figure starts from its own small set: the ids of the offices'
    cases with a late task or a decision since (one query, on the partial
    indexes of open deadlines and of decisions), then the visible cases among
    those and among the open ones, counted by office. Testing every case of a
    province against its tasks and history, one by one, took most of a second.
    """
    late = late_deadlines(today=today).filter(office_id__in=offices).order_by()
    decided = decided_rows(since=since).filter(office_id__in=offices).order_by()
    marked = late.values_list(
        Value("overdue", output_field=CharField()),
        "task__process__registrationprocess__registration",
    ).union(
        decided.values_list(Value("decided", output_field=CharField()), "id"),
        all=True,
    )
    candidates: dict[str, set[int]] = {"overdue": set(), "decided": set()}
    for figure, registration_id in marked:
        candidates[figure].add(registration_id)
    visible = registration_list_for_user(user=user).order_by()
    parts = [("open", visible.filter(state__in=OPEN_STATES))]
    parts += [
        (figure, visible.filter(pk__in=ids))
        for figure, ids in candidates.items()
        if ids
    ]
    grouped = [
        cases.values("office_id").annotate(n=Count("pk"), figure=Value(figure))
        for figure, cases in parts
    ]
    rows = grouped[0].union(*grouped[1:], all=True)
    return {(row["office_id"], row["figure"]): row["n"] for row in rows}
