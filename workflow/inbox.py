"""The staff task inbox on viewflow's frontend: My tasks, Queue, Archive, Office.

Who sees a task in the queue is one rule: an active membership of the user, in
the active office the task's deadline names, with the role the task needs. It
is a single EXISTS over TaskDeadline -> Organisation -> OrganisationRole ->
Membership, so the queue page, the menu badges and the bulk actions ask the
same question in the same query shape, and no grant is loaded into Python.
Claiming still goes through ``StaffTask.can_assign`` (the object grant).

Each list page takes a constant number of queries whatever its size: the rows
come with their deadline, region, and the flow's record columns (annotated by
``flow.annotate_tasks``) in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypedDict

import django_filters  # type: ignore[import-untyped]
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow import viewprop
from viewflow.urls import Site
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow.views import (
    DetailProcessView,
    FlowArchiveListView,
    FlowChartView,
    FlowInboxListView,
    FlowQueueListView,
)
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.models import Region, Role
from workflow.nodes import StaffTask
from workflow.permissions import is_acting_user
from workflow.selectors import active_memberships

WORKING = (STATUS.ASSIGNED, STATUS.STARTED)
OPEN = (STATUS.NEW, *WORKING)


class TaskCounts(TypedDict):
    inbox: int
    queue: int
    supervised: int


# Scoped querysets: one SQL shape each.


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


def _scoped(flow_class: Any, user: Any, rule: Callable[[Any], Q]) -> QuerySet[Task]:
    if not is_acting_user(user):
        return Task.objects.none()
    tasks = Task.objects.filter(flow_task_type="HUMAN", process__flow_class=flow_class)
    return tasks.filter(rule(user))


def task_queue(*, user: Any, flow_class: Any) -> QuerySet[Task]:
    return _scoped(flow_class, user, queue_q)


def task_inbox(*, user: Any, flow_class: Any) -> QuerySet[Task]:
    return _scoped(flow_class, user, inbox_q)


def task_archive(*, user: Any, flow_class: Any) -> QuerySet[Task]:
    return _scoped(flow_class, user, archive_q)


def task_supervised(*, user: Any, flow_class: Any) -> QuerySet[Task]:
    return _scoped(flow_class, user, supervised_q)


def task_actionable(*, user: Any, flow_class: Any) -> QuerySet[Task]:
    """What the bulk claim / release may touch: the queue and the user's inbox."""
    return _scoped(flow_class, user, lambda u: queue_q(u) | inbox_q(u))


def task_counts(*, user: Any, flow_class: Any) -> TaskCounts:
    """The menu badges, in one aggregate query."""
    if not is_acting_user(user):
        return TaskCounts(inbox=0, queue=0, supervised=0)
    tasks = Task.objects.filter(flow_task_type="HUMAN", process__flow_class=flow_class)
    counts = tasks.aggregate(
        inbox=Count("pk", filter=inbox_q(user)),
        queue=Count("pk", filter=queue_q(user)),
        supervised=Count("pk", filter=supervised_q(user)),
    )
    return TaskCounts(
        inbox=counts["inbox"], queue=counts["queue"], supervised=counts["supervised"]
    )


def _deadline(task: Task) -> Any:
    # A task without a deadline row raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(task, "deadline", None)


def _column(header: Any, orderby: str | None = None) -> Callable[[Any], Any]:
    def decorate(method: Any) -> Any:
        method.short_description = header
        if orderby:
            method.orderby_column = orderby
        return method

    return decorate


# Filters.


class TaskFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), method="filter_kind")
    region = django_filters.ModelChoiceFilter(
        label=_("Regency/city"),
        field_name="deadline__region",
        queryset=Region.objects.none(),
    )
    state = django_filters.ChoiceFilter(label=_("State"), field_name="record_state")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(self, *args: Any, flow_class: Any, today: dt.date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        flow = flow_class.instance
        self.today = today
        self.nodes = {
            node.name: node for node in flow.nodes() if isinstance(node, StaffTask)
        }
        kinds = [(name, node.task_title) for name, node in self.nodes.items()]
        self.filters["kind"].extra["choices"] = kinds
        self.filters["state"].extra["choices"] = flow.task_record_states()
        # Only the regions of the tasks in this list: one small query.
        regions = Region.objects.filter(pk__in=self.queryset.values("deadline__region"))
        self.filters["region"].queryset = regions.order_by("name")

    def filter_kind(self, tasks: QuerySet[Task], name: str, value: str) -> Any:
        return tasks.filter(flow_task=self.nodes[value]) if value else tasks

    def filter_overdue(self, tasks: QuerySet[Task], name: str, value: Any) -> Any:
        if value is None:
            return tasks
        late = self.overdue_q()
        return tasks.filter(late) if value else tasks.exclude(late)

    def overdue_q(self) -> Q:
        return Q(deadline__due_date__lt=self.today)


class ArchiveTaskFilter(TaskFilter):
    def overdue_q(self) -> Q:
        # A finished task was late when it was finished after its due date.
        return Q(deadline__due_date__lt=TruncDate("finished"))


# List pages.


class _TaskListMixin:
    """Our querysets, columns, filters and template for viewflow's task lists."""

    flow_class: Any = None
    viewset: Any = None
    request: HttpRequest
    template_name = "workflow/inbox/list.html"
    object_link_columns: list[str] = []
    filterset_class: type[TaskFilter] = TaskFilter
    columns: tuple[str, ...] = (
        "task_link",
        "subject",
        "region",
        "record_state",
        "due_date",
        "overdue",
    )

    def scoped_tasks(self) -> QuerySet[Task]:
        raise NotImplementedError

    @viewprop
    def queryset(self) -> QuerySet[Task]:
        tasks = self.scoped_tasks().select_related(
            "process", "owner", "deadline", "deadline__region"
        )
        tasks = tasks.order_by(F("deadline__due_date").asc(nulls_last=True), "pk")
        return self.flow_class.instance.annotate_tasks(tasks)

    def is_strict_filter(self) -> bool:
        # An invalid filter shows nothing rather than everything.
        return bool(self.request.GET)

    def get_filterset_kwargs(self, filterset_class: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)  # type: ignore[misc]
        return {**kwargs, "flow_class": self.flow_class, "today": self.today}

    @cached_property
    def today(self) -> dt.date:
        return timezone.localdate()

    @cached_property
    def state_labels(self) -> dict[str, str]:
        return dict(self.flow_class.instance.task_record_states())

    @_column(_("Task"))
    def task_link(self, task: Any) -> SafeString:
        url = task.flow_task.reverse("index", args=[task.process_id, task.pk])
        return format_html('<a href="{}">{} #{}</a>', url, task.title, task.pk)

    @_column(_("Case"), orderby="record_title")
    def subject(self, task: Any) -> str:
        return str(task.record_title)

    @_column(_("Regency/city"), orderby="deadline__region__name")
    def region(self, task: Task) -> str:
        deadline = _deadline(task)
        return deadline.region.name if deadline else ""

    @_column(_("State"), orderby="record_state")
    def record_state(self, task: Any) -> str:
        return self.state_labels.get(task.record_state, "")

    @_column(_("Due date"), orderby="deadline__due_date")
    def due_date(self, task: Task) -> dt.date | None:
        deadline = _deadline(task)
        return deadline.due_date if deadline else None

    @_column("")
    def overdue(self, task: Task) -> SafeString | str:
        due = self.due_date(task)
        if due is None or due >= self.today:
            return ""
        return format_html('<span class="pilar-badge-overdue">{}</span>', _("Overdue"))


class InboxView(_TaskListMixin, FlowInboxListView):
    title = _("My tasks")

    def scoped_tasks(self) -> QuerySet[Task]:
        return task_inbox(user=self.request.user, flow_class=self.flow_class)


class QueueView(_TaskListMixin, FlowQueueListView):
    title = _("Queue")

    def scoped_tasks(self) -> QuerySet[Task]:
        return task_queue(user=self.request.user, flow_class=self.flow_class)


class SupervisedView(_TaskListMixin, FlowQueueListView):
    title = _("Office tasks")
    columns = (*_TaskListMixin.columns[:-1], "owner", "overdue")

    def scoped_tasks(self) -> QuerySet[Task]:
        return task_supervised(user=self.request.user, flow_class=self.flow_class)

    @_column(_("Owner"))
    def owner(self, task: Task) -> str:
        return str(task.owner) if task.owner else ""


class ArchiveView(_TaskListMixin, FlowArchiveListView):
    title = _("Archive")
    filterset_class = ArchiveTaskFilter
    columns = (*_TaskListMixin.columns[:-1], "finished", "overdue")

    def scoped_tasks(self) -> QuerySet[Task]:
        return task_archive(user=self.request.user, flow_class=self.flow_class)

    @_column(_("Finished"), orderby="finished")
    def finished(self, task: Task) -> dt.datetime | None:
        return task.finished

    @_column("")
    def overdue(self, task: Task) -> SafeString | str:
        due, finished = self.due_date(task), task.finished
        if due is None or finished is None or timezone.localdate(finished) <= due:
            return ""
        return format_html('<span class="pilar-badge-overdue">{}</span>', _("Late"))


# Process pages: scoped, with no cancel button.


class ProcessDetailView(DetailProcessView):
    template_name = "workflow/inbox/process_detail.html"


class ProcessChartView(FlowChartView):
    """The flow chart of one process, for those who may view its record."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        process_class = self.flow_class.process_class
        process = get_object_or_404(
            process_class, pk=kwargs["process_pk"], flow_class=self.flow_class
        )
        if not self.flow_class.instance.has_view_permission(request.user, process):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class _RedirectToInbox(RedirectView):
    viewset: Any = None

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        return str(self.viewset.reverse("inbox"))


# The viewset and the site.


class StaffFlowAppViewset(FlowAppViewset):
    """A flow's task pages for office staff, every list scoped in SQL.

    No dashboard, process list or task list (they would show every region),
    no process cancel (it would move the flow behind the state machines).
    """

    menu_template_name = "workflow/inbox/menu.html"
    inbox_view_class = InboxView
    queue_view_class = QueueView
    archive_view_class = ArchiveView
    process_detail_view_class = ProcessDetailView
    chart_view_class = ProcessChartView
    process_cancel_path = None
    process_list_path = None
    task_list_path = None
    chart_path = None

    @property
    def index_path(self) -> URLPattern:
        return path("", _RedirectToInbox.as_view(viewset=self), name="index")

    @viewprop
    def supervised_view(self) -> Any:
        return SupervisedView.as_view(**self.filter_kwargs(SupervisedView))

    @property
    def supervised_path(self) -> URLPattern:
        return path("office/", self.supervised_view, name="supervised")

    def has_view_permission(self, user: Any, obj: Any = None) -> bool:
        # Asked thrice a page (middleware, list view, menu); the user object
        # lives for one request, so a withdrawn membership counts on the next.
        allowed = getattr(user, "_staff_inbox_allowed", None)
        if allowed is None:
            allowed = bool(super().has_view_permission(user, obj=obj))
            if is_acting_user(user):
                user._staff_inbox_allowed = allowed
        return bool(allowed)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Task]:
        # Bulk claim / release re-check each task, and only ever see these.
        return task_actionable(user=request.user, flow_class=self._flow_class)

    def get_context_data(self, request: HttpRequest) -> dict[str, Any]:
        counts = task_counts(user=request.user, flow_class=self._flow_class)
        return {"staff_task_counts": counts}


class StaffSite(Site):
    """The staff frontend; its home is the first application's inbox."""

    @property
    def index_path(self) -> URLPattern:
        return path(
            "", _RedirectToInbox.as_view(viewset=self.viewsets[0]), name="index"
        )
