"""The process registry: each app registers its flows with the engine.

An app says, once, which record a flow carries, how a task reaches that record,
which columns its inbox rows show and where its record's page is. The engine's
inbox, task pages and timeline read this registry, and services start and
advance processes through it, so no app module imports its own views to build
a flow and the engine never names an app (wagtail's LogActionRegistry is the
model: apps register, the engine reads).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from workflow.models import OPEN_STATUSES


@dataclass(frozen=True, kw_only=True)
class ProcessSpec:
    """What the engine needs to know about one app's flow."""

    flow_class: Any
    record_model: type[models.Model]
    # The foreign key on the flow's Process subclass that names the record.
    process_field: str
    label: str | Promise
    # The roles that work this flow's tasks (whose holders get a task inbox).
    roles: tuple[str, ...] = ()
    # Columns of an inbox row, as lookups from the record (one SQL join each).
    title_lookup: str
    state_lookup: str = "state"
    state_choices: list[tuple[str, Any]] = field(default_factory=list)
    # The record's own page, for links from task pages and lists.
    record_url: Callable[[Any], str] = lambda record: ""
    # Template included at the top of every task page of this flow.
    summary_template: str = ""

    @property
    def process_model(self) -> type[models.Model]:
        model: type[models.Model] = self.flow_class.process_class
        return model

    @property
    def task_record_lookup(self) -> str:
        """The lookup from viewflow's Task to the record, for annotations."""
        process = self.process_model._meta.model_name
        return f"process__{process}__{self.process_field}"

    def record_of_process(self, process: Any) -> Any:
        process = getattr(process, "coerced", process)
        return getattr(process, self.process_field)

    def record_of_task(self, task: Task) -> Any:
        return self.record_of_process(task.process)

    def processes_of(self, record: models.Model) -> models.QuerySet[Any]:
        manager = self.process_model._default_manager
        return manager.filter(**{self.process_field: record})


class ProcessRegistry:
    """The registered flows, by flow class and by record model."""

    def __init__(self) -> None:
        self._by_flow: dict[Any, ProcessSpec] = {}

    def register(self, spec: ProcessSpec) -> None:
        self._by_flow[spec.flow_class] = spec

    def __iter__(self) -> Iterator[ProcessSpec]:
        return iter(self._by_flow.values())

    def for_flow(self, flow_class: Any) -> ProcessSpec | None:
        return self._by_flow.get(flow_class)

    def for_record(self, record: models.Model) -> ProcessSpec:
        for spec in self._by_flow.values():
            if isinstance(record, spec.record_model):
                return spec
        raise LookupError(f"No flow is registered for {type(record).__name__}.")

    def flow_classes(self) -> list[Any]:
        return list(self._by_flow)

    def acting_roles(self) -> set[str]:
        """Every role that works a task of some registered flow."""
        return {role for spec in self._by_flow.values() for role in spec.roles}


processes = ProcessRegistry()


# --- starting and advancing processes, for services -------------------------


def process_start(*, record: models.Model) -> Any:
    """Start the flow registered for ``record`` (its start node takes the record
    under the name of the process field)."""
    spec = processes.for_record(record)
    return spec.flow_class.start.run(**{spec.process_field: record})


def open_tasks(*, record: models.Model, step: str) -> models.QuerySet[Task]:
    """The open tasks of one step of the record's processes."""
    spec = processes.for_record(record)
    node = getattr(spec.flow_class, step)
    return Task.objects.filter(
        process__in=spec.processes_of(record),
        flow_task=node,
        status__in=OPEN_STATUSES,
    )


def staff_tasks_open(*, record: models.Model) -> models.QuerySet[Task]:
    """Every open staff task of the record's processes, oldest first."""
    spec = processes.for_record(record)
    return Task.objects.filter(
        process__in=spec.processes_of(record),
        flow_task_type="HUMAN",
        status__in=OPEN_STATUSES,
    ).order_by("pk")


def open_task(*, record: models.Model, step: str) -> Task | None:
    """The newest open task of one step of the record's processes, if any."""
    return open_tasks(record=record, step=step).order_by("-pk").first()


def process_step_complete(*, record: models.Model, step: str) -> None:
    """Complete a step that waits on something outside the staff's inbox
    (a ``flow.Handle``, e.g. the LKS handing back a revised file)."""
    spec = processes.for_record(record)
    node = getattr(spec.flow_class, step)
    for task in open_tasks(record=record, step=step):
        node.run(task)


def process_cancel(*, record: models.Model) -> None:
    """Cancel the open processes of a record whose case ended outside the flow."""
    spec = processes.for_record(record)
    for process in spec.processes_of(record).filter(status=PROCESS.NEW):
        spec.flow_class.instance.cancel(process)
