"""The case list's filters and the provincial supervisor's overview.

Both read cases through the user's grants (``registration_list_for_user``), so
a figure on the overview and the list it links to always count the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from viewflow.workflow.models import Task

from cases.models import Registration
from cases.selectors import registration_list_for_user
from workflow.models import Organisation, Role, User
from workflow.registry import OPEN_STATUSES
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


def overdue_q(*, today: dt.date) -> Q:
    """Cases with an open office task past its due date."""
    late = Task.objects.filter(
        process__registrationprocess__registration=OuterRef("pk"),
        status__in=OPEN_STATUSES,
        deadline__due_date__lt=today,
    )
    return Q(Exists(late))


def decided_since_q(*, since: dt.date) -> Q:
    """Cases decided (issued or rejected) on or after ``since``."""
    decided = Registration.history.filter(
        id=OuterRef("pk"),
        target_state__in=DECIDED_STATES,
        history_date__date__gte=since,
    )
    return Q(Exists(decided))


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
    offices = Organisation.objects.filter(
        Q(pk__in=provinces.values("pk"))
        | Q(
            kind=Organisation.Kind.DINSOS_REGENCY,
            region__parent__in=provinces.values("region"),
        ),
        is_active=True,
    ).order_by("region__code")
    counts = _office_counts(user=user, today=today, since=since)
    return [
        OfficeFigures(office=office, **counts.get(office.pk, _ZERO))
        for office in offices
    ]


_ZERO = {"open": 0, "overdue": 0, "decided": 0}


def _office_counts(
    *, user: User, today: dt.date, since: dt.date
) -> dict[int, dict[str, Any]]:
    rows = (
        registration_list_for_user(user=user)
        .order_by()
        .values("office_id")
        .annotate(
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            overdue=Count("pk", filter=overdue_q(today=today)),
            decided=Count("pk", filter=decided_since_q(since=since)),
        )
    )
    return {
        row["office_id"]: {k: row[k] for k in ("open", "overdue", "decided")}
        for row in rows
    }
