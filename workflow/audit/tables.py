"""The chained history tables: their base model, their records class, and the
check that none is left outside the chain."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core import checks
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges, HistoricalRecords
from simple_history.signals import (
    post_create_historical_record,
    pre_create_historical_record,
)


class AuditImmutableError(Exception):
    """Raised when code tries to change or delete an audit row."""


@dataclass(frozen=True)
class TransitionRecord:
    """What the next history row records about the change: its action code
    (a transition name or another registered code) and the states it moved
    between, if the record has any."""

    name: str
    source: str = ""
    target: str = ""


class AuditedHistoricalModel(models.Model):
    """Base of every history table: action code, states and the hash chain."""

    transition = models.CharField(_("transition"), max_length=60, blank=True)
    source_state = models.CharField(_("from state"), max_length=40, blank=True)
    target_state = models.CharField(_("to state"), max_length=40, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    entry_hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError("Audit rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("Audit rows are append-only.")


class AuditedModel(models.Model):
    """Mixin for records whose history is chained and that carry a version."""

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    audit_head = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class AuditedHistoricalRecords(HistoricalRecords):
    """HistoricalRecords whose row, hash and head are written all or nothing."""

    def create_historical_record(
        self, instance: models.Model, history_type: str, using: str | None = None
    ) -> None:
        # No savepoint of its own inside the caller's transaction: a failure
        # here marks the whole transaction for rollback (Django refuses to
        # commit it), so a record is never saved without its history row, nor
        # a row without its head. Outside one, a transaction of its own.
        with transaction.atomic(using=using, savepoint=False):
            self._history_write(instance, history_type, using=using)

    def _history_write(
        self, instance: models.Model, history_type: str, using: str | None
    ) -> None:
        """simple-history 3.13's ``create_historical_record``: the same signals
        around the same INSERT, without building a history manager per write
        (re-read theirs when the pinned version moves)."""
        using = using if self.use_base_model_db else None
        history_model = _history_model(type(instance), self.manager_name)
        history_date = getattr(instance, "_history_date", timezone.now())
        history_user = self.get_history_user(instance)
        reason = self.get_change_reason_for_object(instance, history_type, using)
        attrs = {
            f.attname: getattr(instance, f.attname)
            for f in self.fields_included(instance)
        }
        if getattr(history_model, "history_relation", None) is not None:
            attrs["history_relation"] = instance
        history_instance = history_model(
            history_date=history_date,
            history_type=history_type,
            history_user=history_user,
            history_change_reason=reason,
            **attrs,
        )
        signal = {
            "sender": history_model,
            "instance": instance,
            "history_instance": history_instance,
            "history_date": history_date,
            "history_user": history_user,
            "history_change_reason": reason,
            "using": using,
        }
        pre_create_historical_record.send(**signal)
        history_instance.save(using=using)
        self.create_historical_record_m2ms(history_instance, instance)
        post_create_historical_record.send(**signal)


@functools.cache
def _history_model(model: type[models.Model], manager_name: str) -> type[models.Model]:
    """The history table of ``model`` (its descriptor builds a manager class
    on every access: once per model here)."""
    history: type[models.Model] = getattr(model, manager_name).model
    return history


def audited_history(**options: Any) -> HistoricalRecords:
    """The HistoricalRecords every model of the project declares as ``history``."""
    excluded = ["audit_head", *options.pop("excluded_fields", [])]
    return AuditedHistoricalRecords(
        bases=[AuditedHistoricalModel],
        excluded_fields=excluded,
        cascade_delete_history=False,
        **options,
    )


def history_models() -> list[type[models.Model]]:
    """Every simple-history table installed, chained or not."""
    return [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]


def audited_history_models() -> list[type[AuditedHistoricalModel]]:
    """Every chained history table, in a stable order."""
    found = [m for m in history_models() if issubclass(m, AuditedHistoricalModel)]
    return sorted(found, key=lambda m: m._meta.label)


def unaudited_history_models() -> list[type[models.Model]]:
    """History tables outside the chain: a declaration error, never allowed."""
    return [m for m in history_models() if not issubclass(m, AuditedHistoricalModel)]


@checks.register(checks.Tags.models)
def history_chained_check(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A history table outside the chain stops the project from starting."""
    return [
        checks.Error(
            f"{model._meta.label} keeps history outside the audit chain.",
            hint="Declare it with workflow.audit.audited_history(), or register "
            "it with records_class=AuditedHistoricalRecords and "
            "bases=[AuditedHistoricalModel].",
            obj=model,
            id="workflow.E001",
        )
        for model in unaudited_history_models()
    ]
