"""Who may do what to which record.

Object permissions are guardian grants to organisation-role groups, stored in
each model's direct foreign-key permission table. A grant counts only through an
active membership of an active user in an active organisation, so deactivating
any of them takes effect on the next request.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_migrate
from guardian.utils import get_group_obj_perms_model

from workflow.models import Membership, Organisation, OrganisationRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from workflow.models import User

M = TypeVar("M", bound=models.Model)

# Permission ids by "app_label.codename": read once per process, since every
# grant check needs them. Forgotten when migrate or flush may create them anew.
_permission_ids: dict[str, tuple[int, ...]] = {}


def _forget_permission_ids(**_: Any) -> None:
    _permission_ids.clear()


post_migrate.connect(_forget_permission_ids, dispatch_uid="workflow_permission_ids")


def _permission_ids_of(perm: str) -> tuple[int, ...]:
    found = _permission_ids.get(perm)
    if found is None:
        app_label, codename = perm.split(".", 1)
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
        found = tuple(permissions.values_list("pk", flat=True))
        _permission_ids[perm] = found
    return found


def _grant_model(model: type[models.Model]) -> type[models.Model]:
    # guardian accepts a model class here although its stubs say instance.
    grant_model: Any = get_group_obj_perms_model(cast(Any, model))
    if grant_model.objects.is_generic():
        # The generic table would need a text cast per row: keep lists indexable.
        raise ImproperlyConfigured(f"{model} needs a direct group permission model.")
    return cast(type[models.Model], grant_model)


# The grants reaching one user: only the grant table and the user's groups
# (an active membership in an active organisation), so that the planner has
# little to choose and the grant table's (group, permission, record) index
# answers. Columns follow Django's ``<field>_id`` naming of foreign keys.
_GRANTS_SQL = """
    SELECT {select} FROM {grants} g
    WHERE {record_match} g.permission_id IN ({permission_ids})
    AND g.group_id IN (
        SELECT r.group_id FROM {roles} r
        JOIN {memberships} m ON m.organisation_role_id = r.id
        JOIN {organisations} o ON o.id = r.organisation_id
        WHERE m.user_id = %s AND m.is_active AND o.is_active
    ) {limit}
"""


@functools.cache
def _grants_sql(model: type[models.Model], permissions: int, *, one: bool) -> str:
    """SQL of the grants on ``model`` of ``permissions`` permission ids reaching
    one user. ``one``: whether one record has any (parameters: the record's
    id, the permission ids, the user's id); else the ids of the records that
    have one (parameters: the permission ids, the user's id)."""
    quote = connection.ops.quote_name
    sql = _GRANTS_SQL.format(
        select="1" if one else "g.content_object_id",
        grants=quote(_grant_model(model)._meta.db_table),
        record_match="g.content_object_id = %s AND" if one else "",
        permission_ids=", ".join(["%s"] * permissions),
        roles=quote(OrganisationRole._meta.db_table),
        memberships=quote(Membership._meta.db_table),
        organisations=quote(Organisation._meta.db_table),
        limit="LIMIT 1" if one else "",
    )
    return " ".join(sql.split())


def is_acting_user(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_object_permission(
    user: User | AnonymousUser | None, perm: str, obj: models.Model
) -> bool:
    """True when one of the user's active memberships holds ``perm`` on ``obj``."""
    if user is None or not is_acting_user(user):
        return False
    ids = _permission_ids_of(perm)
    # Built first: a model without its own grant table is refused either way.
    sql = _grants_sql(type(obj), len(ids), one=True)
    if not ids:
        return False
    with connection.cursor() as cursor:
        cursor.execute(sql, [obj.pk, *ids, user.pk])
        return cursor.fetchone() is not None


def filter_for_user[M: models.Model](
    user: User | AnonymousUser | None, perm: str, queryset: models.QuerySet[M]
) -> models.QuerySet[M]:
    """Narrow ``queryset`` in SQL to the records ``user`` holds ``perm`` on."""
    if user is None or not is_acting_user(user):
        return queryset.none()
    ids = _permission_ids_of(perm)
    sql = _grants_sql(queryset.model, len(ids), one=False)
    if not ids:
        return queryset.none()
    return queryset.filter(pk__in=RawSQL(sql, [*ids, user.pk]))  # noqa: S611
