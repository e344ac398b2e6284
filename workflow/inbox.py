"""The staff task lists: My tasks, Queue, Archive, Office, across every
registered flow.

Who sees a task in the queue is one rule: an active membership of the user, in
the active office the task's deadline names, with the role the task needs.
The user's (office, role) pairs are read first, in one small query, and the
lists then filter the deadlines by them: every list, its count and the menu
counts read one partial index of ``TaskDeadline`` (which keeps a copy of each
task's status and owner) rather than every task in the nation. Claiming still
goes through ``StaffTask.can_assign`` (the object grant).

Each list page takes a constant number of queries whatever its size: the rows
come with their deadline, region, owner and the registered record columns
(title, state) in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypedDict

from django import forms
from django.db.models import (
    CharField,
    Count,
    Expression,
    F,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.models import (
    OPEN_STATUSES,
    WORKING_STATUSES,
    Region,
    Role,
    TaskDeadline,
)
from workflow.nodes import StaffTask, is_office_staff
from workflow.pagination import in_order
from workflow.permissions import is_acting_user
from workflow.registry import processes
from workflow.selectors import office_roles

FINISHED = (STATUS.DONE, STATUS.CANCELED)
OfficeRoles = Sequence[tuple[int, str]]


class TaskCounts(TypedDict):
    inbox: int
    queue: int
    supervised: int


# --- the four rules, on the deadline's copy of status and owner -----------
# Each rule reads TaskDeadline's columns; ``at`` is the path to the deadline
# ("" on TaskDeadline itself, "deadline__" on Task).


def _q(at: str, **lookups: Any) -> Q:
    return Q(**{f"{at}{name}": value for name, value in lookups.items()})


def queue_q(user: Any, pairs: OfficeRoles, at: str = "") -> Q:
    """Unclaimed tasks the user's offices and roles make theirs to claim."""
    offices = _q(at, pk__in=[])  # matches nothing when the user holds no pair
    for office, role in pairs:
        offices |= _q(at, office_id=office, role=role)
    return _q(at, status=STATUS.NEW, owner__isnull=True) & offices


def inbox_q(user: Any, pairs: OfficeRoles, at: str = "") -> Q:
    return _q(at, owner=user, status__in=WORKING_STATUSES)


def archive_q(user: Any, pairs: OfficeRoles, at: str = "") -> Q:
    return _q(at, owner=user, status__in=FINISHED)


def supervised_q(user: Any, pairs: OfficeRoles, at: str = "") -> Q:
    """Open tasks of the offices the user supervises (to reassign them)."""
    offices = [office for office, role in pairs if role == Role.SUPERVISOR]
    return _q(at, status__in=OPEN_STATUSES, office_id__in=offices)


RULES = {
    "inbox": inbox_q,
    "queue": queue_q,
    "archive": archive_q,
    "supervised": supervised_q,
}
NEEDS_PAIRS = {"queue", "supervised"}


def task_list(*, user: Any, which: str) -> QuerySet[TaskDeadline]:
    """One of the four lists for ``user``, soonest due first: the deadlines of
    its tasks (a deadline's pk is its task's). Filter, count and page this;
    then ``task_rows`` reads the tasks of one page."""
    if not is_acting_user(user):
        return TaskDeadline.objects.none()
    pairs = office_roles(user=user) if which in NEEDS_PAIRS else []
    deadlines = TaskDeadline.objects.filter(RULES[which](user, pairs))
    return deadlines.order_by(F("due_date").asc(nulls_last=True), "task_id")


def task_rows(pks: list[int]) -> list[Task]:
    """The tasks of one page of a list (task ids, in list order), ready to
    show: deadline, region, owner and the record's title and state, in one
    query."""
    tasks = Task.objects.select_related("owner", "deadline__region")
    tasks = tasks.annotate(record_title=_record_column("title_lookup", at=""))
    tasks = tasks.annotate(record_state=_record_column("state_lookup", at=""))
    return in_order(tasks, pks)


def _record_column(attribute: str, *, at: str) -> Expression | F:
    """A column of the record each task carries (``at``: the path to the task)."""
    lookups = [
        F(f"{at}{spec.task_record_lookup}__{getattr(spec, attribute)}")
        for spec in processes
    ]
    if not lookups:
        return Value("", output_field=CharField())
    if len(lookups) == 1:
        return lookups[0]
    return Coalesce(*lookups, output_field=CharField())


def task_counts(*, user: Any, pairs: OfficeRoles | None = None) -> TaskCounts:
    """The menu counts, in one query over the three rules' partial indexes;
    ``pairs`` are the user's (office, role) pairs when the caller has them."""
    if not is_acting_user(user):
        return TaskCounts(inbox=0, queue=0, supervised=0)
    if pairs is None:
        pairs = office_roles(user=user)
    rules = {which: RULES[which](user, pairs) for which in TaskCounts.__annotations__}
    counts = TaskDeadline.objects.filter(Q(*rules.values(), _connector=Q.OR)).aggregate(
        **{which: Count("pk", filter=rule) for which, rule in rules.items()}
    )
    return TaskCounts(
        inbox=counts["inbox"], queue=counts["queue"], supervised=counts["supervised"]
    )


def task_visible(*, user: Any, task: Task) -> bool:
    """May ``user`` open this task's page at all (else: 404)?

    Its owner, those whose queue it is in, the supervisors of its office, and
    office staff who may view the record it carries (the provincial
    supervisor, the office's other verifiers). An LKS operator reads what
    happened to the file on the case page, never the office's task pages.
    """
    if not is_acting_user(user):
        return False
    pairs = office_roles(user=user)
    rules = [rule(user, pairs) for rule in RULES.values()]
    if TaskDeadline.objects.filter(Q(*rules, _connector=Q.OR), task=task).exists():
        return True
    node = task.flow_task
    if not isinstance(node, StaffTask) or not is_office_staff(user):
        return False
    return node.can_view(user, task)


# --- filters ----------------------------------------------------------------


def _staff_nodes() -> dict[str, StaffTask]:
    found: dict[str, StaffTask] = {}
    for spec in processes:
        for node in spec.flow_class.instance.nodes():
            if isinstance(node, StaffTask):
                found[f"{spec.flow_class.__name__}.{node.name}"] = node
    return found


def _state_choices() -> list[tuple[str, Any]]:
    seen: dict[str, Any] = {}
    for spec in processes:
        seen.update(dict(spec.state_choices))
    return list(seen.items())


class TaskFilterForm(forms.Form):
    """Kind, kabupaten/kota, state and overdue filters of a task list."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    region = forms.ModelChoiceField(
        label=_("Regency/city"), queryset=Region.objects.none(), required=False
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    overdue = forms.ChoiceField(
        label=_("Overdue"),
        required=False,
        choices=[("", _("All")), ("1", _("Yes")), ("0", _("No"))],
    )

    def __init__(
        self, *args: Any, tasks: QuerySet[TaskDeadline], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.nodes = _staff_nodes()
        kinds = [(key, node.task_title) for key, node in self.nodes.items()]
        self.fields["kind"].choices = [("", _("All")), *kinds]  # type: ignore[attr-defined]
        self.fields["state"].choices = [("", _("All")), *_state_choices()]  # type: ignore[attr-defined]
        # Only the regions of the tasks in this list: one small query.
        regions = Region.objects.filter(pk__in=tasks.values("region"))
        self.fields["region"].queryset = regions.order_by("name")  # type: ignore[attr-defined]
        self.fields["region"].empty_label = _("All")  # type: ignore[attr-defined]

    def apply(
        self, tasks: QuerySet[TaskDeadline], *, today: dt.date, archive: bool
    ) -> QuerySet[TaskDeadline]:
        """The filtered list; an invalid filter shows nothing rather than all."""
        if not self.is_valid():
            return tasks.none()
        data = self.cleaned_data
        if data["kind"]:
            tasks = tasks.filter(task__flow_task=self.nodes[data["kind"]])
        if data["region"]:
            tasks = tasks.filter(region=data["region"])
        if data["state"]:
            state = _record_column("state_lookup", at="task__")
            tasks = tasks.alias(record_state=state).filter(record_state=data["state"])
        if data["overdue"]:
            late = overdue_q(today=today, archive=archive)
            tasks = (
                tasks.filter(late) if data["overdue"] == "1" else tasks.exclude(late)
            )
        return tasks


def overdue_q(*, today: dt.date, archive: bool) -> Q:
    """Late deadlines; for the archive, finished after their due date."""
    if archive:
        return Q(due_date__lt=TruncDate("task__finished"))
    return Q(due_date__lt=today)
