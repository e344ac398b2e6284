"""Every write of the workflow engine: memberships, grants and transitions."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin, FSMMeta
from guardian.shortcuts import assign_perm

from workflow.audit import (
    AuditedModel,
    InvalidRecord,
    TransitionRecord,
    audited_save,
)
from workflow.exceptions import (
    InvalidInput,
    NotPermitted,
    StaleRecord,
    TransitionNotAllowed,
)
from workflow.models import Membership, Organisation, OrganisationRole, Role, User
from workflow.permissions import has_object_permission, is_acting_user
from workflow.selectors import holds_role

R = TypeVar("R", bound=AuditedModel)


# --- organisations, roles and memberships ---------------------------------


def organisation_role_get_or_create(
    *, organisation: Organisation, role: str
) -> OrganisationRole:
    """The organisation-role and its group; one group per pair, created once,
    also when two requests ask for it at the same moment."""
    existing = OrganisationRole.objects.filter(organisation=organisation, role=role)
    found = existing.select_related("group").first()
    if found is not None:
        return found
    try:
        with transaction.atomic():  # a savepoint: the loser of a race reads below
            group = Group.objects.create(name=f"org{organisation.pk}:{role}")
            return OrganisationRole.objects.create(
                organisation=organisation, role=role, group=group
            )
    except IntegrityError:
        return existing.select_related("group").get()


def _may_manage_members(actor: User, organisation: Organisation) -> bool:
    if actor.is_superuser and actor.is_active:
        return True
    return holds_role(
        actor, roles=[Role.ADMINISTRATOR], organisation_id=organisation.pk
    )


@transaction.atomic
def membership_grant(
    *, actor: User, user: User, organisation: Organisation, role: str
) -> Membership:
    """Give ``user`` a role in ``organisation``; its group follows the membership."""
    if not _may_manage_members(actor, organisation):
        raise NotPermitted()
    org_role = organisation_role_get_or_create(organisation=organisation, role=role)
    membership = (
        Membership.objects.select_for_update()
        .filter(user=user, organisation_role=org_role)
        .first()
    )
    if membership is None:
        membership = _membership_create(actor=actor, user=user, org_role=org_role)
    elif not membership.is_active:
        membership.is_active = True
        audited_save(
            record=membership,
            actor=actor,
            action="membership_grant",
            fields=["is_active"],
        )
    user.groups.add(org_role.group)
    return membership


def _membership_create(
    *, actor: User, user: User, org_role: OrganisationRole
) -> Membership:
    try:
        with transaction.atomic():  # a savepoint: the loser of a race reads below
            return audited_save(
                record=Membership(user=user, organisation_role=org_role),
                actor=actor,
                action="membership_grant",
            )
    except (IntegrityError, InvalidRecord):
        return Membership.objects.get(user=user, organisation_role=org_role)


@transaction.atomic
def membership_deactivate(
    *, actor: User, membership: Membership, reason: str
) -> Membership:
    """End a membership; its grants stop counting at once."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not _may_manage_members(actor, membership.organisation_role.organisation):
        raise NotPermitted()
    membership.is_active = False
    audited_save(
        record=membership,
        actor=actor,
        action="membership_deactivate",
        reason=reason,
        fields=["is_active"],
    )
    membership.user.groups.remove(membership.organisation_role.group)
    return membership


def object_permission_grant(
    *, obj: models.Model, organisation: Organisation, role: str, perms: Iterable[str]
) -> None:
    """Grant ``perms`` on ``obj`` to one organisation-role group."""
    group = organisation_role_get_or_create(organisation=organisation, role=role).group
    for perm in perms:
        assign_perm(perm, group, obj)


# --- the transition service -----------------------------------------------


def _transition_meta(record: models.Model, name: str) -> FSMMeta:
    method = getattr(type(record), name, None)
    meta = getattr(method, "_django_fsm", None)
    if not isinstance(meta, FSMMeta):
        raise TransitionNotAllowed()
    return meta


@transaction.atomic
def transition_run[R: AuditedModel](
    *,
    actor: User,
    record: R,
    transition: str,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> R:
    """Run one fsm transition for ``actor``: checked, saved and audited atomically.

    ``expected_version`` is the version the actor saw (defaults to the version
    of ``record`` as passed in); if the row moved on since, nobody else's change
    is overwritten and StaleRecord is raised.
    """
    meta = _transition_meta(record, transition)
    # Lock first: two users acting on the same record queue up here.
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    _authorise(actor, locked, meta)
    seen = record.version if expected_version is None else expected_version
    if locked.version != seen:
        raise StaleRecord()
    state_field = _state_field(meta)
    source = state_field.get_state(locked)
    found = meta.get_transition(source)
    if found is None or not meta.conditions_met(locked, source):
        raise TransitionNotAllowed()
    if found.custom.get("reason_required") and not reason.strip():
        raise InvalidInput(_("A reason is required for this action."))
    changed = _apply(locked, transition, data or {}, state=state_field.name)
    locked.version += 1
    locked._history_user = actor  # type: ignore[attr-defined]
    locked._change_reason = reason.strip()  # type: ignore[attr-defined]
    target = state_field.get_state(locked)
    locked._audit_transition = TransitionRecord(  # type: ignore[attr-defined]
        name=transition, source=str(source), target=str(target)
    )
    # The row is locked and was read whole: only what changed needs writing.
    locked.save(update_fields=[*changed, *_always_written(type(locked))])
    return locked


def _state_field(meta: FSMMeta) -> FSMFieldMixin:
    if isinstance(meta.field, str):  # resolved by django-fsm once models load
        raise TypeError(f"Unresolved fsm field {meta.field!r}")
    return meta.field


def _authorise(actor: User, record: models.Model, meta: FSMMeta) -> None:
    if not is_acting_user(actor):
        raise NotPermitted()
    permissions = {t.permission for t in meta.transitions.values()}
    # Every transition names exactly one object permission; anything else is a
    # declaration error, and refusing is the safe answer.
    if len(permissions) != 1:
        raise NotPermitted()
    (permission,) = permissions
    if not isinstance(permission, str):
        raise NotPermitted()
    if not has_object_permission(actor, permission, record):
        raise NotPermitted()


@functools.cache
def _fields(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    """(name, attname) of every column a transition may change."""
    return tuple(
        (f.name, f.attname) for f in model._meta.concrete_fields if not f.primary_key
    )


@functools.cache
def _always_written(model: type[models.Model]) -> tuple[str, ...]:
    """Written by every transition: the version and the auto_now stamps."""
    stamps = [
        f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)
    ]
    return ("version", *stamps)


@functools.cache
def _signature(method: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(method)


def _changed(old: Any, new: Any) -> bool:
    # A dict or list may have been changed in place, unseen by a comparison.
    return bool(new != old) or isinstance(new, dict | list)


def _apply(
    record: models.Model, transition: str, data: Mapping[str, Any], *, state: str
) -> list[str]:
    """Run the transition method on ``record``; the names of the fields it
    changed (the ``state`` field included), each of them validated."""
    method = getattr(type(record), transition)
    try:
        _signature(method).bind(record, **data)
    except TypeError as exc:
        raise InvalidInput() from exc
    fields = _fields(type(record))
    before = [getattr(record, attname) for _, attname in fields]
    getattr(record, transition)(**data)
    changed = [
        name
        for (name, attname), old in zip(fields, before, strict=True)
        if _changed(old, getattr(record, attname))
    ]
    # Unchanged fields were valid when written and the row is locked: checking
    # them again would only repeat their lookups (foreign keys, uniqueness).
    # full_clean() re-assigns every field it checks; a protected fsm field
    # refuses that, and only the transition itself may change it anyway.
    skipped = [name for name, _ in fields if name not in changed or name == state]
    try:
        record.full_clean(exclude=skipped)
    except ValidationError as exc:
        raise InvalidInput("; ".join(exc.messages)) from exc
    return changed
