"""The staff task lists: My tasks, Queue, Archive and Office (supervisors)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from workflow.inbox import TaskFilterForm, task_list, task_rows
from workflow.nodes import is_office_staff
from workflow.pagination import page_of_keys

TITLES = {
    "inbox": _("My tasks"),
    "queue": _("Queue"),
    "archive": _("Archive"),
    "supervised": _("Office tasks"),
}


@login_required
@require_safe
def task_list_page(request: HttpRequest, which: str) -> HttpResponse:
    """My tasks, Queue, Archive or Office: the URL names which."""
    if which not in TITLES or not is_office_staff(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    tasks = task_list(user=request.user, which=which)
    filters = TaskFilterForm(request.GET or None, tasks=tasks)
    if filters.is_bound:
        tasks = filters.apply(tasks, today=today, archive=which == "archive")
    page = page_of_keys(tasks, request.GET.get("page"), rows=task_rows)
    context = {
        "which": which,
        "title": TITLES[which],
        "filters": filters,
        "page": page,
        "today": today,
    }
    return render(request, "workflow/inbox.html", context)
