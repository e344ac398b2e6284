"""Who may do what to which record.

Object permissions are guardian grants to organisation-role groups, stored in
each model's direct foreign-key permission table. A grant counts only through an
active membership of an active user in an active organisation, so deactivating
any of them takes effect on the next request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from guardian.utils import get_group_obj_perms_model

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from workflow.models import User

M = TypeVar("M", bound=models.Model)


def _active_grants(user: User, perm: str, model: type[models.Model]) -> Any:
    """Direct group grants of ``perm`` on ``model`` reaching ``user`` today."""
    app_label, codename = perm.split(".", 1)
    # guardian accepts a model class here although its stubs say instance.
    grant_model: Any = get_group_obj_perms_model(cast(Any, model))
    if grant_model.objects.is_generic():
        # The generic table would need a text cast per row: keep lists indexable.
        raise ImproperlyConfigured(f"{model} needs a direct group permission model.")
    return grant_model.objects.filter(
        permission__codename=codename,
        permission__content_type__app_label=app_label,
        group__organisation_role__memberships__user=user,
        group__organisation_role__memberships__is_active=True,
        group__organisation_role__organisation__is_active=True,
    )


def is_acting_user(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_object_permission(
    user: User | AnonymousUser | None, perm: str, obj: models.Model
) -> bool:
    """True when one of the user's active memberships holds ``perm`` on ``obj``."""
    if not is_acting_user(user):
        return False
    grants = _active_grants(user, perm, type(obj))  # type: ignore[arg-type]
    return bool(grants.filter(content_object_id=obj.pk).exists())


def filter_for_user[M: models.Model](
    user: User | AnonymousUser | None, perm: str, queryset: models.QuerySet[M]
) -> models.QuerySet[M]:
    """Narrow ``queryset`` in SQL to the records ``user`` holds ``perm`` on."""
    if not is_acting_user(user):
        return queryset.none()
    grants = _active_grants(user, perm, queryset.model)  # type: ignore[arg-type]
    return queryset.filter(pk__in=grants.values("content_object_id"))
