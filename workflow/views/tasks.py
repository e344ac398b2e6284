"""Task pages: one base for every flow's human tasks, and claim / release /
reassign.

A task's URL names its process, its step and itself; any mismatch is a 404, as
is a task the user may not see at all. A task the user may see but not work
(someone else's, or not yet claimed) shows its summary read-only, with the
claim button when it is theirs to claim. The decision forms of a page belong to
the app (a ``TaskPage`` subclass named by the flow's node); the base keeps what
was typed when a service refuses, and shows each reason beside its field and
in a summary that stays on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from viewflow.workflow.models import Task

from workflow.exceptions import InvalidField, WorkflowError
from workflow.inbox import task_visible
from workflow.models import User
from workflow.nodes import (
    StaffTask,
    human_task_claim,
    human_task_reassign,
    human_task_release,
    human_task_run,
    office_members,
    task_office_id,
)
from workflow.registry import ProcessSpec, processes


def task_url(task: Task) -> str:
    return reverse(
        "workflow:task", args=[task.process_id, task.flow_task.name, task.pk]
    )


@dataclass(frozen=True)
class _Found:
    task: Task
    node: StaffTask
    spec: ProcessSpec


def _task_for_user(
    request: HttpRequest, process_pk: int, step: str, task_pk: int
) -> _Found:
    task = (
        Task.objects.filter(pk=task_pk, process_id=process_pk, flow_task_type="HUMAN")
        .select_related("process", "owner", "deadline__region", "deadline__office")
        .first()
    )
    if task is None:
        raise Http404
    spec = processes.for_flow(task.process.flow_class)
    node = task.flow_task
    if spec is None or not isinstance(node, StaffTask) or node.name != step:
        raise Http404
    if not task_visible(user=request.user, task=task):
        raise Http404
    return _Found(task=task, node=node, spec=spec)


class TaskPage:
    """Base of every task page. Subclasses name a template (extending
    ``workflow/task.html``), the action forms available now, and what each
    action does (a service call) — returning True when the task is done."""

    template_name = "workflow/task.html"

    def __init__(self, request: HttpRequest, found: _Found) -> None:
        self.request = request
        self.task = found.task
        self.node = found.node
        self.spec = found.spec
        self.user = cast(User, request.user)

    @cached_property
    def record(self) -> Any:
        return self.spec.record_of_task(self.task)

    @cached_property
    def can_execute(self) -> bool:
        return self.node.can_execute(self.user, self.task)

    def action_forms(self, data: Any = None, action: str = "") -> dict[str, forms.Form]:
        """The forms of the actions open now; only ``action``'s is bound."""
        return {}

    def act(self, action: str, form: forms.Form) -> bool:
        raise NotImplementedError

    def extra_context(self) -> dict[str, Any]:
        return {}

    def dispatch(self) -> HttpResponse:
        if self.request.method == "POST":
            return self.post()
        return self.respond(self.action_forms() if self.can_execute else {})

    def post(self) -> HttpResponse:
        if not self.can_execute:
            return HttpResponseForbidden(_("This task is not yours to work on."))
        action = self.request.POST.get("action", "")
        action_forms = self.action_forms(self.request.POST, action)
        form = action_forms.get(action)
        if form is None:
            # The page was stale: the action it offered is no longer open.
            messages.error(self.request, _("This action is no longer available."))
            return redirect(task_url(self.task))
        if not form.is_valid():
            return self.respond(action_forms, status=400)
        try:
            done = human_task_run(
                actor=self.user, task=self.task, action=lambda: self.act(action, form)
            )
        except WorkflowError as exc:
            _attach(form, exc)
            return self.respond(action_forms, status=400)
        return self.succeeded(done)

    def succeeded(self, done: bool) -> HttpResponse:
        if done:
            messages.success(self.request, _("Task completed."))
            return redirect("workflow:inbox")
        messages.success(self.request, _("Saved."))
        return redirect(task_url(self.task))

    def respond(
        self, action_forms: dict[str, forms.Form], status: int = 200
    ) -> HttpResponse:
        context = {
            "task": self.task,
            "node": self.node,
            "spec": self.spec,
            "record": self.record,
            "record_url": self.spec.record_url(self.record),
            "forms": action_forms,
            "invalid": [f for f in action_forms.values() if f.is_bound and f.errors],
            "today": timezone.localdate(),
            **_task_buttons(self.user, self.task, self.node),
            **self.extra_context(),
        }
        return render(self.request, self.template_name, context, status=status)


def _attach(form: forms.Form, exc: WorkflowError) -> None:
    if isinstance(exc, InvalidField) and exc.field in form.fields:
        form.add_error(exc.field, exc.messages)
    elif isinstance(exc, InvalidField):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc.message))


def _task_buttons(user: User, task: Task, node: StaffTask) -> dict[str, bool]:
    return {
        "can_claim": node.can_assign(user, task),
        "can_release": node.can_unassign(user, task),
        "can_reassign": node.can_reassign(user, task),
        "can_execute": node.can_execute(user, task),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_page(
    request: HttpRequest, process_pk: int, step: str, task_pk: int
) -> HttpResponse:
    found = _task_for_user(request, process_pk, step, task_pk)
    page_class: type[TaskPage] = import_string(found.node.page)
    return page_class(request, found).dispatch()


def _run(request: HttpRequest, found: _Found, action: Any, done: str) -> HttpResponse:
    try:
        action(actor=request.user, task=found.task)
    except WorkflowError as exc:
        messages.error(request, str(exc.message))
        return redirect(task_url(found.task))
    messages.success(request, done)
    return redirect(task_url(found.task))


@login_required
@require_POST
def task_claim(
    request: HttpRequest, process_pk: int, step: str, task_pk: int
) -> HttpResponse:
    found = _task_for_user(request, process_pk, step, task_pk)
    if not found.node.can_assign(request.user, found.task):  # type: ignore[arg-type]
        if found.task.owner_id == request.user.pk:
            return redirect(task_url(found.task))  # a double click: already yours
        return HttpResponseForbidden(_("This task cannot be claimed by you."))
    return _run(request, found, human_task_claim, _("The task is yours now."))


@login_required
@require_POST
def task_release(
    request: HttpRequest, process_pk: int, step: str, task_pk: int
) -> HttpResponse:
    found = _task_for_user(request, process_pk, step, task_pk)
    if not found.node.can_unassign(request.user, found.task):  # type: ignore[arg-type]
        return HttpResponseForbidden(_("This task cannot be released by you."))
    released = _("The task is back in the queue.")
    _run(request, found, human_task_release, released)
    return redirect("workflow:queue")


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("New owner"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, task: Task, node: StaffTask, **kwargs: Any):
        super().__init__(*args, **kwargs)
        members = office_members(office_id=task_office_id(task), role=node.role)
        field = cast(forms.ModelChoiceField, self.fields["owner"])
        field.queryset = members.exclude(pk=task.owner_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_reassign(
    request: HttpRequest, process_pk: int, step: str, task_pk: int
) -> HttpResponse:
    found = _task_for_user(request, process_pk, step, task_pk)
    if not found.node.can_reassign(request.user, found.task):  # type: ignore[arg-type]
        return HttpResponseForbidden(_("Only a supervisor of the office reassigns."))
    form = ReassignForm(request.POST or None, task=found.task, node=found.node)
    if form.is_bound and form.is_valid():
        owner = form.cleaned_data["owner"]
        handed = _("Task reassigned to %(user)s.") % {"user": owner}
        return _run(
            request,
            found,
            lambda *, actor, task: human_task_reassign(
                actor=actor, task=task, owner=owner
            ),
            handed,
        )
    context = {"task": found.task, "node": found.node, "form": form}
    status = 400 if form.is_bound else 200
    return render(request, "workflow/reassign.html", context, status=status)
