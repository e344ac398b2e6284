"""viewflow nodes for office staff, permissioned through our own grants.

viewflow's stock View node asks ``user.has_perm`` (all of guardian's grants,
loaded per user) and lets anyone with the flow's ``manage`` permission cancel,
undo or revive tasks behind the state machines' back. A StaffTask instead asks
``workflow.permissions`` (active memberships only), lets only the owner or a
supervisor of the task's office release it, only a supervisor reassign it, and
offers no cancel / undo / revive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.flow import utils as flow_utils
from viewflow.workflow.flow.views.mixins import TaskSuccessUrlMixin
from viewflow.workflow.nodes import ViewActivation
from viewflow.workflow.status import STATUS

from workflow.exceptions import NotPermitted
from workflow.models import Role, User
from workflow.permissions import has_object_permission, is_acting_user
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


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("New owner"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, task: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = office_members(
            office_id=task_office_id(task), role=task.flow_task.role
        ).exclude(pk=task.owner_id)
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]


class ReassignTaskView(TaskSuccessUrlMixin, generic.FormView):
    """A supervisor hands an assigned task to another member with its role."""

    form_class = ReassignForm
    template_name = "workflow/inbox/reassign.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        task = self.request.activation.task  # type: ignore[attr-defined]
        return {**super().get_form_kwargs(), "task": task}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        activation = self.request.activation  # type: ignore[attr-defined]
        return super().get_context_data(
            activation=activation, task=activation.task, process=activation.process
        )

    def form_valid(self, form: ReassignForm) -> HttpResponse:
        owner = form.cleaned_data["owner"]
        self.request.activation.reassign(user=owner)  # type: ignore[attr-defined]
        messages.success(
            self.request, _("Task reassigned to %(user)s.") % {"user": owner}
        )
        return HttpResponseRedirect(self.get_success_url())


class StaffTask(flow.View):
    """A human task whose permission is an object grant on the case record."""

    activation_class = StaffTaskActivation
    cancel_view_class = None
    undo_view_class = None
    revive_view_class = None
    reassign_view_class = ReassignTaskView

    def __init__(
        self,
        view: Any,
        *,
        permission: str,
        role: str,
        record: Callable[[Any], models.Model],
        **kwargs: Any,
    ) -> None:
        super().__init__(view, **kwargs)
        self.role = role
        self._record = record
        self.Permission(permission, obj=self.record_of)

    def record_of(self, process: Any) -> models.Model:
        return self._record(getattr(process, "coerced", process))

    def can_assign(self, user: User, task: Any) -> bool:
        if task.owner_id or not is_acting_user(user):
            return False
        record = self.record_of(task.process)
        return has_object_permission(user, task.owner_permission, record)

    def can_execute(self, user: User, task: Any) -> bool:
        if not is_acting_user(user) or task.owner_id != user.pk:
            return False
        # The grant may have been withdrawn since the task was claimed.
        return has_object_permission(
            user, task.owner_permission, self.record_of(task.process)
        )

    def can_unassign(self, user: User, task: Any) -> bool:
        if task.owner_id is None or not is_acting_user(user):
            return False
        return task.owner_id == user.pk or self.can_reassign(user, task)

    def can_reassign(self, user: User, task: Any) -> bool:
        if task.owner_id is None:
            return False
        return is_office_supervisor(user, task_office_id(task))

    @property
    def reassign_path(self) -> URLPattern:
        # viewflow guards this URL with can_unassign, which admits the owner.
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/reassign/",
            flow_utils.wrap_task_view(
                self, self.reassign_view, permission=self.can_reassign
            ),
            name="reassign",
        )


STAFF_ROLES = (Role.VERIFIER, Role.SIGNER, Role.SUPERVISOR)


def is_office_staff(user: Any) -> bool:
    """True when ``user`` works a task inbox: an active verifier, signer or
    supervisor of an active office."""
    return holds_role(user, roles=STAFF_ROLES)


class StaffFlowMixin:
    """Flow permissions from our grants instead of model-wide permissions.

    The inbox is open to office staff; a process is visible to those who may
    view its record; nobody "manages" (cancels, undoes, revives) a process
    outside the state machines.
    """

    def record_of_process(self, process: Any) -> models.Model:
        raise NotImplementedError

    def has_view_permission(self, user: Any, obj: Any = None) -> bool:
        if obj is None:
            return is_office_staff(user)
        record = self.record_of_process(getattr(obj, "coerced", obj))
        view = f"{record._meta.app_label}.view_{record._meta.model_name}"
        return has_object_permission(user, view, record)

    def has_manage_permission(self, user: Any, obj: Any = None) -> bool:
        return False

    def annotate_tasks(self, tasks: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Add ``record_title`` and ``record_state`` to a task queryset, in SQL.

        The inbox shows them per row; a flow overrides this with its record's
        columns so that the page stays one query whatever its size.
        """
        return tasks.annotate(
            record_title=models.Value(""), record_state=models.Value("")
        )

    def task_record_states(self) -> list[tuple[str, Any]]:
        """The (value, label) pairs ``record_state`` takes, for filters and labels."""
        return []


def human_task_complete(*, actor: User, task: Any, action: Callable[[], Any]) -> Any:
    """Complete a staff task from code (API, jobs, demo data) as its page would.

    Claims the task for ``actor`` when nobody has, checks that ``actor`` may
    execute it, runs ``action`` (a call to one of our services) and lets the
    flow move on. Runs under the flow's process lock, in one transaction.
    """
    with transaction.atomic(), task.activation() as activation:
        node = activation.flow_task
        if task.owner_id is None:
            if not node.can_assign(actor, task):
                raise NotPermitted()
            activation.assign(actor)
        if not node.can_execute(actor, activation.task):
            raise NotPermitted()
        activation.start(None)
        result = action()
        activation.execute()
        return result


def human_task_claim(*, actor: User, task: Any) -> None:
    """Claim an unassigned staff task for ``actor``, as the queue's button does."""
    with transaction.atomic(), task.activation() as activation:
        if not activation.flow_task.can_assign(actor, activation.task):
            raise NotPermitted()
        activation.assign(actor)
