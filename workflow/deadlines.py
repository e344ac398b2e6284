"""Due dates of human tasks, in working days, with the clock stopped while a
case waits on someone outside the office."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

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
    )
