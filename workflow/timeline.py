"""One timeline for every record: history rows read as labelled entries.

Modelled on wagtail's LogActionRegistry. History rows store an action code in
their ``transition`` column (a transition name such as ``submit``, or a code
such as ``registration_create``); each app registers a translated label for its
codes from ``AppConfig.ready``::

    timeline_actions.register("submit", _("File submitted"), model=Registration)

and the label is looked up when an entry is read, in the reader's language. A
code nobody registered reads as a generic "data changed", never as itself.

Entries marked ``internal`` (an office's task moves: claims, releases,
reassignments) are left out of what the record's owner, e.g. an LKS operator,
is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise

CREATED = "created"
CHANGED = "changed"
DELETED = "deleted"
TASK_CLAIM = "task_claim"
TASK_RELEASE = "task_release"
TASK_REASSIGN = "task_reassign"
_BY_HISTORY_TYPE = {"+": CREATED, "~": CHANGED, "-": DELETED}


class ActionRegistry:
    """Action codes and their labels, per model or for every model."""

    def __init__(self) -> None:
        self._labels: dict[tuple[str, str], Label] = {}

    def register(
        self, code: str, label: Label, *, model: type[models.Model] | str = ""
    ) -> None:
        """Label ``code``; with ``model``, only on that model's history."""
        self._labels[(_model_label(model), code)] = label

    def is_registered(self, code: str, *, model: type[models.Model] | str = "") -> bool:
        return self._find(code, _model_label(model)) is not None

    def label(self, code: str, *, model: type[models.Model] | str = "") -> str:
        """The label of ``code`` in the active language; never the code itself."""
        found = self._find(code, _model_label(model))
        return str(found if found is not None else self._labels[("", CHANGED)])

    def _find(self, code: str, model: str) -> Label | None:
        return self._labels.get((model, code)) or self._labels.get(("", code))


def _model_label(model: type[models.Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label


timeline_actions = ActionRegistry()
timeline_actions.register(CREATED, _("Record created"))
timeline_actions.register(CHANGED, _("Data changed"))
timeline_actions.register(DELETED, _("Record deleted"))
timeline_actions.register(TASK_CLAIM, _("Task claimed"))
timeline_actions.register(TASK_RELEASE, _("Task released"))
timeline_actions.register(TASK_REASSIGN, _("Task reassigned"))
timeline_actions.register("membership_grant", _("Role granted"))
timeline_actions.register("membership_deactivate", _("Role ended"))


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a record, as a reader sees it."""

    at: datetime
    actor: str
    action: str
    source: str
    target: str
    reason: str
    subject: str
    internal: bool = False
    model: str = ""

    @property
    def label(self) -> str:
        return timeline_actions.label(self.action, model=self.model)


def history_entries(
    rows: models.QuerySet[Any],
    *,
    subject: Label | Callable[[Any], Label],
    states: Iterable[tuple[str, Label]] | Mapping[str, Label] = (),
    internal: bool = False,
) -> list[TimelineEntry]:
    """The entries of audited history rows; ``states`` labels their state values,
    ``subject`` names what changed (or is called with each row to name it)."""
    labels = dict(states)
    return [
        _history_entry(row, subject=subject, states=labels, internal=internal)
        for row in rows.select_related("history_user")
    ]


def _history_entry(
    row: Any,
    *,
    subject: Label | Callable[[Any], Label],
    states: Mapping[str, Label],
    internal: bool,
) -> TimelineEntry:
    model = row.instance_type._meta.label
    action, reason = _action_and_reason(row, model)
    named = subject(row) if callable(subject) else subject
    return TimelineEntry(
        at=row.history_date,
        actor=_actor(row),
        action=action,
        source=str(states.get(row.source_state, row.source_state)),
        target=str(states.get(row.target_state, row.target_state)),
        reason=reason,
        subject=str(named),
        internal=internal,
        model=model,
    )


def _action_and_reason(row: Any, model: str) -> tuple[str, str]:
    code, reason = row.transition, row.history_change_reason or ""
    # Rows written before codes moved to the transition column kept their
    # code as the reason: it is the action, not something the user typed.
    if timeline_actions.is_registered(reason, model=model):
        code, reason = code or reason, ""
    return code or _BY_HISTORY_TYPE.get(row.history_type, CHANGED), reason


def _actor(row: Any) -> str:
    return str(row.history_user) if row.history_user else str(_("System"))


def task_owner_entries(rows: models.QuerySet[Any]) -> list[TimelineEntry]:
    """Who claimed, released or was handed each task: internal entries."""
    ordered = rows.select_related("history_user", "owner").order_by("id", "history_id")
    queue = str(_("Queue"))
    entries: list[TimelineEntry] = []
    holder: dict[int, tuple[int | None, str]] = {}
    for row in ordered:
        before_id, before_name = holder.get(row.id, (None, queue))
        name = str(row.owner) if row.owner_id else queue
        holder[row.id] = (row.owner_id, name)
        if row.owner_id == before_id:
            continue
        entries.append(
            TimelineEntry(
                at=row.history_date,
                actor=_actor(row),
                action=_owner_change(before_id, row.owner_id),
                source=before_name,
                target=name,
                reason="",
                subject=str(_("Task: %(title)s") % {"title": _task_title(row)}),
                internal=True,
            )
        )
    return entries


def _owner_change(before: int | None, after: int | None) -> str:
    if before is None:
        return TASK_CLAIM
    return TASK_RELEASE if after is None else TASK_REASSIGN


def _task_title(row: Any) -> str:
    return str(getattr(row.flow_task, "task_title", "") or row.flow_task)


def timeline_merge(
    *groups: Iterable[TimelineEntry], include_internal: bool = True
) -> list[TimelineEntry]:
    """All entries of ``groups``, oldest first; internal ones only if asked."""
    entries = [
        entry
        for group in groups
        for entry in group
        if include_internal or not entry.internal
    ]
    return sorted(entries, key=lambda entry: entry.at)
