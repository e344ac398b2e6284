"""Due dates in working days, and the clock that stops while the LKS has the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task

from cases.models import Registration
from cases.services.registration import (
    registration_decide,
    registration_receive,
    registration_submit,
    registration_withdraw,
)
from tests.conftest import World, _member
from tests.factories import upload_required_documents
from workflow.calendar import add_working_days, count_working_days
from workflow.models import Role, TaskDeadline
from workflow.nodes import (
    human_task_claim,
    human_task_complete,
    human_task_reassign,
    human_task_release,
)
from workflow.registry import open_task


def test_working_days_skip_weekends_holidays_and_cuti_bersama() -> None:
    # Nyepi (19 March) and Idul Fitri with its cuti bersama (20-24 March 2026).
    assert add_working_days(dt.date(2026, 3, 17), 1) == dt.date(2026, 3, 25)
    # Friday + 1 working day is Monday.
    assert add_working_days(dt.date(2026, 11, 27), 1) == dt.date(2026, 11, 30)
    assert count_working_days(dt.date(2026, 11, 27), dt.date(2026, 11, 30)) == 1


def test_years_without_a_holiday_calendar_count_weekends_only() -> None:
    assert add_working_days(dt.date(2031, 1, 3), 1) == dt.date(2031, 1, 6)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_the_clock_stops_while_the_file_is_with_the_lks(
    world: World, registration: Registration
) -> None:
    upload_required_documents(registration=registration, actor=world.operator_bogor)
    case = registration_submit(actor=world.operator_bogor, registration=registration)
    task = open_task(record=case, step="verify")
    assert task is not None
    # The office worked on the first round for a week.
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    TaskDeadline.objects.filter(task=task).update(started_on=week_ago)
    human_task_claim(actor=world.verifier_bogor, task=task)
    case = registration_receive(actor=world.verifier_bogor, registration=case)
    human_task_complete(
        actor=world.verifier_bogor,
        task=task,
        action=lambda: registration_decide(
            actor=world.verifier_bogor,
            registration=case,
            decision="request_revision",
            reason="Lengkapi AD/ART",
        ),
    )
    finished = Task.objects.get(pk=task.pk).finished
    assert finished is not None
    spent = count_working_days(week_ago, timezone.localdate(finished))
    assert spent >= 3

    # The LKS keeps the file for a while: that time does not count.
    upload_required_documents(
        registration=Registration.objects.get(pk=case.pk),
        actor=world.operator_bogor,
        round_=2,
    )
    registration_submit(
        actor=world.operator_bogor, registration=Registration.objects.get(pk=case.pk)
    )
    second = open_task(record=case, step="verify")
    assert second is not None and second.pk != task.pk
    deadline = TaskDeadline.objects.get(task=second)
    assert deadline.budget_days == 14 - spent
    assert deadline.due_date == add_working_days(deadline.started_on, 14 - spent)


def _copy_matches(task: Task) -> tuple[str, int | None]:
    """The deadline's copy of status and owner, after checking it is true."""
    task = Task.objects.get(pk=task.pk)
    deadline = TaskDeadline.objects.get(task=task)
    assert (deadline.status, deadline.owner_id) == (task.status, task.owner_id)
    return deadline.status, deadline.owner_id


def test_the_deadline_copy_follows_its_task_through_every_move(
    world: World, registration: Registration
) -> None:
    """Lists and menu counts read the deadline's copy of status and owner."""
    verifier = world.verifier_bogor
    other = _member(world.root, world.dinsos_bogor, Role.VERIFIER, "verifier_b2")
    supervisor = _member(world.root, world.dinsos_bogor, Role.SUPERVISOR, "spv_b")
    upload_required_documents(registration=registration, actor=world.operator_bogor)
    case = registration_submit(actor=world.operator_bogor, registration=registration)
    task = open_task(record=case, step="verify")
    assert task is not None
    assert _copy_matches(task) == ("NEW", None)

    human_task_claim(actor=verifier, task=task)
    assert _copy_matches(task) == ("ASSIGNED", verifier.pk)
    human_task_release(actor=verifier, task=Task.objects.get(pk=task.pk))
    assert _copy_matches(task) == ("NEW", None)
    human_task_claim(actor=verifier, task=Task.objects.get(pk=task.pk))
    human_task_reassign(
        actor=supervisor, task=Task.objects.get(pk=task.pk), owner=other
    )
    assert _copy_matches(task) == ("ASSIGNED", other.pk)

    registration_withdraw(
        actor=world.operator_bogor,
        registration=Registration.objects.get(pk=case.pk),
        reason="Ditarik.",
    )
    assert _copy_matches(task) == ("CANCELED", other.pk)
