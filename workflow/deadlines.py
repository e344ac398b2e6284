"""Due dates of human tasks, in working days, with the clock stopped while a
case waits on someone outside the office."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.signals import post_save
from django.utils import timezone
from viewflow.workflow.models import Task

from workflow.calendar import add_working_days, count_working_days
from workflow.models import Organisation, Region, TaskDeadline


def working_days_used(*, tasks: Any) -> int:
    """Working days the office already spent on the given finished tasks."""
    used = 0
    deadlines = TaskDeadline.objects.filter(
        task__in=tasks, task__finished__isnull=False
    )
    for deadline in deadlines.select_related("task"):
        finished = timezone.localdate(deadline.task.finished)
        used += count_working_days(deadline.started_on, finished)
    return used


def deadline_create(
    *,
    task: Any,
    office: Organisation,
    region: Region,
    role: str,
    budget_days: int,
    started_on: dt.date | None = None,
) -> TaskDeadline:
    """Give a new task its due date: ``budget_days`` working days from today.

    An office that already used up its time gets a task due today (budget 0).
    """
    start = started_on or timezone.localdate()
    budget_days = max(budget_days, 0)
    return TaskDeadline.objects.create(
        task=task,
        office=office,
        region=region,
        role=role,
        budget_days=budget_days,
        started_on=start,
        due_date=add_working_days(start, budget_days),
        status=task.status,
        owner_id=task.owner_id,
    )


def deadline_follow_task(
    sender: type[Task], instance: Task, raw: bool = False, **_: Any
) -> None:
    """Keep the deadline's copy of its task's status and owner (post_save).

    Every change of a task goes through ``Task.save()`` (viewflow's
    activations, our claim, release and reassign), so this one receiver keeps
    the copy true; the lists and menu counts read only the copy. One UPDATE,
    and only when something the lists read changed.
    """
    if raw or instance.flow_task_type != "HUMAN":
        return
    TaskDeadline.objects.filter(task_id=instance.pk).exclude(
        status=instance.status, owner_id=instance.owner_id
    ).update(status=instance.status, owner_id=instance.owner_id)


def connect_signals() -> None:
    post_save.connect(deadline_follow_task, sender=Task, dispatch_uid="deadline_follow")
