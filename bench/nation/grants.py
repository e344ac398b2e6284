"""guardian's object grants for every generated record, in one INSERT ... SELECT each."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.backends.utils import CursorWrapper
from psycopg import sql

from cases.models import (
    Lks,
    LksGroupObjectPermission,
    Registration,
    RegistrationGroupObjectPermission,
)
from cases.services import portal
from cases.services.registration import _LKS_GRANTS, _OFFICE_GRANTS
from workflow.models import (
    Role,
)

# Each record with the organisations its grants go to: its LKS's own
# organisation, the office responsible for it and the provincial office.
_LKS_SQL = """
    SELECT l.id, l.organisation_id AS own, office.id AS office, prov.id AS province
    FROM cases_lks l
    JOIN workflow_organisation office
      ON office.region_id = l.region_id AND office.kind = 'dinsos_regency'
    JOIN workflow_region region ON region.id = l.region_id
    JOIN workflow_organisation prov
      ON prov.region_id = region.parent_id AND prov.kind = 'dinsos_province'
"""
_REGISTRATION_SQL = """
    SELECT r.id, l.organisation_id AS own, r.office_id AS office, prov.id AS province
    FROM cases_registration r
    JOIN cases_lks l ON l.id = r.lks_id
    JOIN workflow_region region ON region.id = l.region_id
    JOIN workflow_organisation prov
      ON prov.region_id = region.parent_id AND prov.kind = 'dinsos_province'
"""


def _lks_grants() -> list[tuple[str, str, str]]:
    """``lks_access_grant``'s grants as (whose, role, permission)."""
    grants = [("own", Role.OPERATOR, p) for p in (portal.VIEW, portal.OPERATE)]
    grants += [
        ("office", role, portal.VIEW)
        for role in (Role.VERIFIER, Role.SIGNER, Role.SUPERVISOR)
    ]
    return [*grants, ("province", Role.SUPERVISOR, portal.VIEW)]


def _registration_grants() -> list[tuple[str, str, str]]:
    """``registration_create``'s grants as (whose, role, permission)."""
    grants = [("office", r, p) for r, perms in _OFFICE_GRANTS.items() for p in perms]
    grants += [("own", r, p) for r, perms in _LKS_GRANTS.items() for p in perms]
    return [*grants, ("province", Role.SUPERVISOR, "cases.view_registration")]


def _grant(
    cursor: CursorWrapper,
    model: type[models.Model],
    permission_model: type[models.Model],
    records_sql: str,
    grants: Sequence[tuple[str, str, str]],
) -> None:
    """guardian's direct group grants for every record, in one INSERT ... SELECT."""
    values = sql.SQL(", ").join(
        sql.SQL("({}, {}, {})").format(
            sql.Literal(whose), sql.Literal(str(role)), sql.Literal(perm.split(".")[1])
        )
        for whose, role, perm in grants
    )
    statement = sql.SQL(
        """
        INSERT INTO {table} (content_object_id, group_id, permission_id)
        SELECT rec.id, organisation_role.group_id, permission.id
        FROM ({records}) AS rec
        CROSS JOIN (VALUES {values}) AS grant_(whose, role, codename)
        JOIN workflow_organisationrole organisation_role
          ON organisation_role.role = grant_.role
         AND organisation_role.organisation_id = CASE grant_.whose
             WHEN 'own' THEN rec.own WHEN 'office' THEN rec.office
             ELSE rec.province END
        JOIN auth_permission permission
          ON permission.content_type_id = {content_type}
         AND permission.codename = grant_.codename
        """
    ).format(
        table=sql.Identifier(permission_model._meta.db_table),
        records=sql.SQL(records_sql),
        values=values,
        content_type=sql.Literal(ContentType.objects.get_for_model(model).pk),
    )
    cursor.execute(statement.as_string(connection.connection))


def lks_grant(cursor: CursorWrapper) -> None:
    """The grants ``lks_access_grant`` gives, for every LKS."""
    _grant(cursor, Lks, LksGroupObjectPermission, _LKS_SQL, _lks_grants())


def registration_grant(cursor: CursorWrapper) -> None:
    """The grants ``registration_create`` gives, for every case."""
    _grant(
        cursor,
        Registration,
        RegistrationGroupObjectPermission,
        _REGISTRATION_SQL,
        _registration_grants(),
    )
