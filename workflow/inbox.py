"""The staff task lists: My tasks, Queue, Archive, Office, across every
registered flow.

Who sees a task in the queue is one rule: an active membership of the user, in
the active office the task's deadline names, with the role the task needs. It
is a single EXISTS over TaskDeadline -> Organisation -> OrganisationRole ->
Membership, so the lists, the menu counts and the claim button ask the same
question, and no grant is loaded into Python. Claiming still goes through
``StaffTask.can_assign`` (the object grant).

Each list page takes a constant number of queries whatever its size: the rows
come with their deadline, region, owner and the registered record columns
(title, state) in one query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django import forms
from django.db.models import (
    CharField,
    Count,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.models import Region, Role
from workflow.nodes import StaffTask, is_office_staff
from workflow.permissions import is_acting_user
from workflow.registry import processes
from workflow.selectors import active_memberships

WORKING = (STATUS.ASSIGNED, STATUS.STARTED)
OPEN = (STATUS.NEW, *WORKING)
LISTS = ("inbox", "queue", "archive", "supervised")


class TaskCounts(TypedDict):
    inbox: int
    queue: int
    supervised: int


# --- scoped querysets: one SQL shape each -----------------------------------


def _office_membership(user: Any, *, role: Any) -> Q:
    """An active membership of ``user`` in the task's active office with ``role``."""
    memberships = active_memberships().filter(
        user=user,
        organisation_role__role=role,
        organisation_role__organisation=OuterRef("deadline__office"),
    )
    return Q(Exists(memberships))


def queue_q(user: Any) -> Q:
    """Unclaimed tasks the user's office and role make theirs to claim."""
    role = OuterRef("deadline__role")
    return Q(status=STATUS.NEW, owner__isnull=True) & _office_membership(
        user, role=role
    )


def inbox_q(user: Any) -> Q:
    return Q(status__in=WORKING, owner=user)


def archive_q(user: Any) -> Q:
    return Q(owner=user, finished__isnull=False)


def supervised_q(user: Any) -> Q:
    """Open tasks of the offices the user supervises (to reassign them)."""
    return Q(status__in=OPEN) & _office_membership(user, role=Role.SUPERVISOR)


RULES = {
    "inbox": inbox_q,
    "queue": queue_q,
    "archive": archive_q,
    "supervised": supervised_q,
}


def staff_tasks() -> QuerySet[Task]:
    """Human tasks of every registered flow."""
    return Task.objects.filter(
        flow_task_type="HUMAN", process__flow_class__in=processes.flow_classes()
    )


def task_list(*, user: Any, which: str) -> QuerySet[Task]:
    """One of the four lists for ``user``, rows ready to show, soonest due first."""
    if not is_acting_user(user):
        return Task.objects.none()
    tasks = staff_tasks().filter(RULES[which](user))
    tasks = tasks.select_related("owner", "deadline__region")
    tasks = tasks.annotate(record_title=_record_column("title_lookup"))
    tasks = tasks.annotate(record_state=_record_column("state_lookup"))
    return tasks.order_by(F("deadline__due_date").asc(nulls_last=True), "pk")


def _record_column(attribute: str) -> Expression | F:
    lookups = [
        F(f"{spec.task_record_lookup}__{getattr(spec, attribute)}")
        for spec in processes
    ]
    if not lookups:
        return Value("", output_field=CharField())
    if len(lookups) == 1:
        return lookups[0]
    return Coalesce(*lookups, output_field=CharField())


def task_counts(*, user: Any) -> TaskCounts:
    """The menu counts, in one aggregate query."""
    if not is_acting_user(user):
        return TaskCounts(inbox=0, queue=0, supervised=0)
    counts = staff_tasks().aggregate(
        inbox=Count("pk", filter=inbox_q(user)),
        queue=Count("pk", filter=queue_q(user)),
        supervised=Count("pk", filter=supervised_q(user)),
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
    rule = inbox_q(user) | queue_q(user) | supervised_q(user) | archive_q(user)
    if staff_tasks().filter(rule, pk=task.pk).exists():
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

    def __init__(self, *args: Any, tasks: QuerySet[Task], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nodes = _staff_nodes()
        kinds = [(key, node.task_title) for key, node in self.nodes.items()]
        self.fields["kind"].choices = [("", _("All")), *kinds]  # type: ignore[attr-defined]
        self.fields["state"].choices = [("", _("All")), *_state_choices()]  # type: ignore[attr-defined]
        # Only the regions of the tasks in this list: one small query.
        regions = Region.objects.filter(pk__in=tasks.values("deadline__region"))
        self.fields["region"].queryset = regions.order_by("name")  # type: ignore[attr-defined]
        self.fields["region"].empty_label = _("All")  # type: ignore[attr-defined]

    def apply(
        self, tasks: QuerySet[Task], *, today: dt.date, archive: bool
    ) -> QuerySet[Task]:
        """The filtered rows; an invalid filter shows nothing rather than all."""
        if not self.is_valid():
            return tasks.none()
        data = self.cleaned_data
        if data["kind"]:
            tasks = tasks.filter(flow_task=self.nodes[data["kind"]])
        if data["region"]:
            tasks = tasks.filter(deadline__region=data["region"])
        if data["state"]:
            tasks = tasks.filter(record_state=data["state"])
        if data["overdue"]:
            late = overdue_q(today=today, archive=archive)
            tasks = (
                tasks.filter(late) if data["overdue"] == "1" else tasks.exclude(late)
            )
        return tasks


def overdue_q(*, today: dt.date, archive: bool) -> Q:
    if archive:
        # A finished task was late when it was finished after its due date.
        return Q(deadline__due_date__lt=TruncDate("finished"))
    return Q(deadline__due_date__lt=today)
