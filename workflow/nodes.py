"""viewflow nodes for office staff, permissioned through our own grants.

viewflow's stock View node asks ``user.has_perm`` (all of guardian's grants,
loaded per user) and lets anyone with the flow's ``manage`` permission cancel,
undo or revive tasks behind the state machines' back. A StaffTask instead asks
``workflow.permissions`` (active memberships only), lets only the owner or a
supervisor of the task's office release it, only a supervisor reassign it, and
offers no cancel / undo / revive. Its page is our own view, named by a dotted
path so that a flow module never imports a view module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.nodes import ViewActivation
from viewflow.workflow.status import STATUS

from workflow.exceptions import NotPermitted
from workflow.models import Role, User
from workflow.permissions import has_object_permission, is_acting_user
from workflow.registry import processes
from workflow.selectors import holds_role


def is_office_supervisor(user: Any, office_id: int | None) -> bool:
    """True when ``user`` is an active supervisor of the office."""
    if office_id is None:
        return False
    return holds_role(user, roles=[Role.SUPERVISOR], organisation_id=office_id)


def task_office_id(task: Any) -> int | None:
    deadline = getattr(task, "deadline", None)
    return deadline.office_id if deadline is not None else None


def office_members(*, office_id: int | None, role: str) -> models.QuerySet[User]:
    """Active users holding ``role`` through an active membership of the office."""
    if office_id is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__organisation_role__role=role,
        memberships__organisation_role__organisation_id=office_id,
        memberships__organisation_role__organisation__is_active=True,
    ).order_by("first_name", "last_name", "username")


class StaffTaskActivation(ViewActivation):
    """viewflow's View activation, with reassign gated by ``can_reassign``.

    viewflow gates reassign like unassign, so the owner could hand the task to
    anyone; here only a supervisor of the task's office may.
    """

    @Activation.status.transition(
        source=STATUS.NEW,
        target=STATUS.ASSIGNED,
        permission=lambda activation, user: activation.flow_task.can_assign(
            user, activation.task
        ),
    )
    def assign(self, user: Any) -> None:
        # viewflow never fills Task.assigned; the claim time is worth keeping.
        self.task.owner = user
        self.task.assigned = timezone.now()
        self.task.save()

    @Activation.status.transition(
        source=STATUS.ASSIGNED,
        permission=lambda activation, user: activation.flow_task.can_reassign(
            user, activation.task
        ),
    )
    def reassign(self, user: Any = None) -> None:
        if user:
            self.task.owner = user
        self.task.save()


def record_of_process(process: Any) -> models.Model:
    """The record a process carries, through the registry of its flow."""
    spec = processes.for_flow(process.flow_class)
    if spec is None:
        raise LookupError(f"{process.flow_class} is not registered.")
    record: models.Model = spec.record_of_process(process)
    return record


class StaffTask(flow.View):
    """A human task whose permission is an object grant on the flow's record."""

    activation_class = StaffTaskActivation

    def __init__(self, *, page: str, permission: str, role: str, **kwargs: Any):
        # viewflow's view is only used by its own frontend, which we do not serve.
        super().__init__(None, **kwargs)
        self.page = page
        self.role = role
        # viewflow copies nodes onto the flow class: no bound method of this
        # (uncopied) instance may be kept, so the lookup goes by the process.
        self.Permission(permission, obj=record_of_process)

    def record_of(self, process: Any) -> models.Model:
        return record_of_process(process)

    def can_view(self, user: User, task: Any) -> bool:
        """Who may open the task's page: anyone who may view its record."""
        record = self.record_of(task.process)
        meta = record._meta
        view = f"{meta.app_label}.view_{meta.model_name}"
        return has_object_permission(user, view, record)

    def can_assign(self, user: User, task: Any) -> bool:
        if task.owner_id or task.status != STATUS.NEW or not is_acting_user(user):
            return False
        record = self.record_of(task.process)
        return has_object_permission(user, task.owner_permission, record)

    def can_execute(self, user: User, task: Any) -> bool:
        if not is_acting_user(user) or task.owner_id != user.pk:
            return False
        if task.status not in (STATUS.ASSIGNED, STATUS.STARTED):
            return False
        # The grant may have been withdrawn since the task was claimed.
        return has_object_permission(
            user, task.owner_permission, self.record_of(task.process)
        )

    def can_unassign(self, user: User, task: Any) -> bool:
        if task.owner_id is None or task.status != STATUS.ASSIGNED:
            return False
        if not is_acting_user(user):
            return False
        return task.owner_id == user.pk or self.can_reassign(user, task)

    def can_reassign(self, user: User, task: Any) -> bool:
        if task.owner_id is None or task.status != STATUS.ASSIGNED:
            return False
        return is_office_supervisor(user, task_office_id(task))


def staff_roles() -> set[str]:
    """Who works a task inbox: the roles the registered flows name, and the
    supervisors who oversee them."""
    return {*processes.acting_roles(), Role.SUPERVISOR}


def is_office_staff(user: Any) -> bool:
    """True when ``user`` holds, through a membership that counts, a role that
    works a task inbox."""
    return holds_role(user, roles=staff_roles())


class StaffFlowMixin:
    """Flow permissions from our grants: nobody "manages" (cancels, undoes,
    revives) a process outside the state machines."""

    def has_manage_permission(self, user: Any, obj: Any = None) -> bool:
        return False


def human_task_complete(*, actor: User, task: Any, action: Callable[[], Any]) -> Any:
    """Complete a staff task as its page does (also for the API, jobs, demo data).

    Claims the task for ``actor`` when nobody has, checks that ``actor`` may
    execute it, runs ``action`` (a call to one of our services) and lets the
    flow move on. Runs under the flow's process lock, in one transaction.
    """
    with transaction.atomic(), task.activation() as activation:
        node = activation.flow_task
        activation.task._history_user = actor  # jobs and the API have no request
        if activation.task.owner_id is None:
            if not node.can_assign(actor, activation.task):
                raise NotPermitted()
            activation.assign(actor)
        if not node.can_execute(actor, activation.task):
            raise NotPermitted()
        activation.start(None)
        result = action()
        activation.execute()
        return result


def human_task_run(*, actor: User, task: Any, action: Callable[[], bool]) -> bool:
    """Run one action of a claimed task's page under the process lock, in one
    transaction; when ``action`` returns True the task is done and the flow
    moves on, else it stays open (the file received, the case approved)."""
    with transaction.atomic(), task.activation() as activation:
        if not activation.flow_task.can_execute(actor, activation.task):
            raise NotPermitted()
        done = action()
        if done:
            activation.start(None)
            activation.execute()
        return done


def human_task_claim(*, actor: User, task: Any) -> None:
    """Claim an unassigned staff task for ``actor``."""
    with transaction.atomic(), task.activation() as activation:
        if not activation.flow_task.can_assign(actor, activation.task):
            raise NotPermitted()
        activation.task._history_user = actor
        activation.assign(actor)


def human_task_release(*, actor: User, task: Any) -> None:
    """Put a claimed task back in its queue (its owner or an office supervisor)."""
    with transaction.atomic(), task.activation() as activation:
        if not activation.flow_task.can_unassign(actor, activation.task):
            raise NotPermitted()
        activation.task._history_user = actor
        activation.unassign()


def human_task_reassign(*, actor: User, task: Any, owner: User) -> None:
    """Hand a claimed task to another member of its office holding its role."""
    with transaction.atomic(), task.activation() as activation:
        node = activation.flow_task
        if not node.can_reassign(actor, activation.task):
            raise NotPermitted()
        members = office_members(
            office_id=task_office_id(activation.task), role=node.role
        )
        if not members.filter(pk=owner.pk).exists():
            raise NotPermitted()
        activation.task._history_user = actor
        activation.reassign(user=owner)
