"""The staff task lists: My tasks, Queue, Archive and Office (supervisors)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from workflow.inbox import TaskFilterForm, task_list
from workflow.nodes import is_office_staff

PAGE_SIZE = 25
TITLES = {
    "inbox": _("My tasks"),
    "queue": _("Queue"),
    "archive": _("Archive"),
    "supervised": _("Office tasks"),
}


def _list_page(request: HttpRequest, which: str) -> HttpResponse:
    if not is_office_staff(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    tasks = task_list(user=request.user, which=which)
    filters = TaskFilterForm(request.GET or None, tasks=tasks)
    if filters.is_bound:
        tasks = filters.apply(tasks, today=today, archive=which == "archive")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "which": which,
        "title": TITLES[which],
        "filters": filters,
        "page": page,
        "today": today,
    }
    return render(request, "workflow/inbox.html", context)


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "inbox")


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "queue")


@login_required
@require_safe
def archive(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "archive")


@login_required
@require_safe
def supervised(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "supervised")
