"""Offices and their staff, LKS and their operators, as the services write them."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.db import models
from django.db.backends.utils import CursorWrapper

from bench.nation.bulk import Chains, copy_records, copy_rows, reserve
from bench.nation.grants import lks_grant
from cases.models import (
    Lks,
)
from workflow.models import (
    Membership,
    Organisation,
    OrganisationRole,
    Region,
    Role,
    User,
)

VERIFIERS_PER_OFFICE = 3
# Profile edits per LKS (each one history row), on average: with the cases'
# transitions and the tasks' own history, about 5,000,000 history rows in all.
LKS_EDITS_MEAN = 33
CASES_PER_BATCH = 2_000


@dataclass
class Office:
    id: int
    region_id: int
    region_code: str
    province_id: int
    verifiers: list[int] = field(default_factory=list)
    signer: int = 0


@dataclass
class Nation:
    now: dt.datetime
    rng: random.Random
    offices: dict[int, Office] = field(default_factory=dict)  # by region id
    lks: list[tuple[int, int, int]] = field(
        default_factory=list
    )  # id, region, operator
    chains: dict[str, Chains] = field(default_factory=dict)

    def history(self, model: type[models.Model]) -> Chains:
        label = model._meta.label
        if label not in self.chains:
            self.chains[label] = Chains(model)
        return self.chains[label]

    def flush(self, cursor: CursorWrapper) -> None:
        for chains in self.chains.values():
            chains.flush(cursor)


def _organisations(cursor: CursorWrapper, specs: Sequence[tuple[str, str, int]]) -> int:
    """Organisations ``(name, kind, region id)``; the first new id."""
    first = reserve(cursor, Organisation, len(specs))
    rows = [
        (first + i, name, kind, "", region, True)
        for i, (name, kind, region) in enumerate(specs)
    ]
    columns = ["id", "name", "kind", "agency", "region_id", "is_active"]
    copy_rows(cursor, Organisation._meta.db_table, columns, rows)
    return first


def _roles(
    cursor: CursorWrapper, pairs: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """One group and OrganisationRole per (organisation, role), named as
    ``organisation_role_get_or_create`` names them; group id by pair."""
    first_group = reserve(cursor, Group, len(pairs))
    first_role = reserve(cursor, OrganisationRole, len(pairs))
    groups = [(first_group + i, f"org{o}:{r}") for i, (o, r) in enumerate(pairs)]
    copy_rows(cursor, Group._meta.db_table, ["id", "name"], groups)
    roles = [(first_role + i, o, r, first_group + i) for i, (o, r) in enumerate(pairs)]
    columns = ["id", "organisation_id", "role", "group_id"]
    copy_rows(cursor, OrganisationRole._meta.db_table, columns, roles)
    return {pair: first_group + i for i, pair in enumerate(pairs)}


def _users(cursor: CursorWrapper, nation: Nation, usernames: Sequence[str]) -> int:
    """Accounts without a usable password (tests sign them in directly)."""
    first = reserve(cursor, User, len(usernames))
    rows = [
        {
            "id": first + i,
            "password": "!bench",  # unusable: nobody signs in with a password
            "is_superuser": False,
            "username": name,
            "first_name": "Pengguna",
            "last_name": name,
            "email": f"{name}@bench.example.id",
            "is_staff": False,
            "is_active": True,
            "date_joined": nation.now,
            "nip": "",
        }
        for i, name in enumerate(usernames)
    ]
    copy_records(cursor, User, rows)
    return first


def _members(
    cursor: CursorWrapper,
    nation: Nation,
    members: Sequence[tuple[int, int, str]],
    groups: dict[tuple[int, str], int],
) -> None:
    """Memberships ``(user, organisation, role)``, their group and their one
    history row, as ``membership_grant`` writes them."""
    cursor.execute(
        "SELECT organisation_id, role, id FROM workflow_organisationrole"
        " WHERE group_id = ANY(%s)",
        [list(groups.values())],
    )
    role_ids = {(o, r): i for o, r, i in cursor.fetchall()}
    first = reserve(cursor, Membership, len(members))
    history = nation.history(Membership)
    records = []
    for i, (user, organisation, role) in enumerate(members):
        record = {
            "id": first + i,
            "user_id": user,
            "organisation_role_id": role_ids[(organisation, role)],
            "is_active": True,
            "created_at": nation.now,
        }
        records.append(record)
        row = history.row(
            record, when=nation.now, kind="+", user=None, transition="membership_grant"
        )
        history.chain(record["id"], [row])
    copy_records(cursor, Membership, records)
    through = User.groups.through._meta.db_table
    pairs = ((user, groups[(org, role)]) for user, org, role in members)
    copy_rows(cursor, through, ["user_id", "group_id"], pairs)
    history.flush(cursor)


def offices_generate(cursor: CursorWrapper, nation: Nation) -> None:
    """One Dinas Sosial per kabupaten/kota and per province, with their staff:
    verifiers, a signer and a supervisor (a supervisor only, in a province)."""
    provinces = list(
        Region.objects.filter(level=Region.Level.PROVINCE).values_list("id", "name")
    )
    regencies = list(
        Region.objects.filter(level=Region.Level.REGENCY)
        .order_by("code")
        .values_list("id", "code", "name", "parent_id")
    )
    specs = [
        (f"Dinas Sosial {n}", Organisation.Kind.DINSOS_REGENCY, r)
        for r, _, n, _ in regencies
    ]
    specs += [
        (f"Dinas Sosial Provinsi {n}", Organisation.Kind.DINSOS_PROVINCE, r)
        for r, n in provinces
    ]
    first = _organisations(cursor, specs)
    province_office = {
        r: first + len(regencies) + i for i, (r, _) in enumerate(provinces)
    }
    for i, (region, code, _, parent) in enumerate(regencies):
        nation.offices[region] = Office(
            first + i, region, code, province_office[parent]
        )
    staff_roles = [Role.VERIFIER] * VERIFIERS_PER_OFFICE + [
        Role.SIGNER,
        Role.SUPERVISOR,
    ]
    pairs = [
        (o.id, r) for o in nation.offices.values() for r in dict.fromkeys(staff_roles)
    ]
    pairs += [(o, Role.SUPERVISOR) for o in province_office.values()]
    groups = _roles(cursor, pairs)
    members: list[tuple[str, int, str]] = []  # username, organisation, role
    for office in nation.offices.values():
        for k, role in enumerate(staff_roles):
            members.append((f"{role}{k}.{office.region_code}", office.id, role))
    for region, office_id in province_office.items():
        members.append((f"supervisor.provinsi{region}", office_id, Role.SUPERVISOR))
    first_user = _users(cursor, nation, [m[0] for m in members])
    by_id = {o.id: o for o in nation.offices.values()}
    for i, (_, office_id, member_role) in enumerate(members):
        staff_office = by_id.get(office_id)
        if staff_office is not None and member_role == Role.VERIFIER:
            staff_office.verifiers.append(first_user + i)
        elif staff_office is not None and member_role == Role.SIGNER:
            staff_office.signer = first_user + i
    rows = [(first_user + i, o, r) for i, (_, o, r) in enumerate(members)]
    _members(cursor, nation, rows, groups)


def lks_generate(cursor: CursorWrapper, nation: Nation, count: int) -> None:
    """``count`` LKS over the kabupaten/kota (``lks_spread``), each with its
    organisation, operator (membership and group), profile history and grants."""
    regions = lks_spread(nation, count)
    specs = [
        (f"LKS Sejahtera {i + 1}", Organisation.Kind.LKS, region)
        for i, region in enumerate(regions)
    ]
    first_org = _organisations(cursor, specs)
    groups = _roles(cursor, [(first_org + i, Role.OPERATOR) for i in range(count)])
    names = [f"operator.lks{first_org + i}" for i in range(count)]
    first_user = _users(cursor, nation, names)
    members = [(first_user + i, first_org + i, Role.OPERATOR) for i in range(count)]
    _members(cursor, nation, members, groups)
    first = reserve(cursor, Lks, count)
    history = nation.history(Lks)
    records: list[dict[str, Any]] = []
    for i, (name, _, region) in enumerate(specs):
        record = _lks_record(nation, first + i, first_org + i, name, region)
        records.append(_lks_history(nation, history, record, first_user + i))
        nation.lks.append((first + i, region, first_user + i))
        if len(records) == CASES_PER_BATCH or i == count - 1:
            copy_records(cursor, Lks, records)
            history.flush(cursor)
            records.clear()
    lks_grant(cursor)


def lks_spread(nation: Nation, count: int) -> list[int]:
    """The region of each of ``count`` LKS: uneven, as in the country.

    The kabupaten/kota, in a seeded order, get shares falling as 1/sqrt(rank):
    the busiest office has about 22 times the LKS of the quietest (at full
    size about 1,100 against 50), the median one about 80. Shares are rounded
    by largest remainder, so the total is exact.
    """
    regions = list(nation.offices)
    nation.rng.shuffle(regions)
    weights = [1 / math.sqrt(rank + 1) for rank in range(len(regions))]
    exact = [count * w / sum(weights) for w in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(regions)), key=lambda i: shares[i] - exact[i])
    for i in by_remainder[: count - sum(shares)]:
        shares[i] += 1
    return [r for r, n in zip(regions, shares, strict=True) for _ in range(n)]


def _lks_record(
    nation: Nation, lks_id: int, organisation: int, name: str, region: int
) -> dict[str, Any]:
    created = nation.now - dt.timedelta(days=nation.rng.uniform(1100, 1500))
    return {
        "id": lks_id,
        "organisation_id": organisation,
        "name": name,
        "legal_form": Lks.LegalForm.YAYASAN.value,
        "has_legal_entity": True,
        "deed_number": f"{lks_id % 97 + 1}",
        "deed_date": dt.date(2015, 3, 2),
        "sk_kemenkumham": f"AHU-{lks_id:07d}.AH.01.04.Tahun 2015",
        "npwp": f"{lks_id:015d}",
        "address": f"Jl. Kesejahteraan No. {lks_id % 200 + 1}",
        "region_id": region,
        "kecamatan_code": "",
        "desa_code": "",
        "latitude": None,
        "longitude": None,
        "scope": Lks.Scope.REGENCY.value,
        "service_types": ["anak"],
        "capacity": 40,
        "current_clients": 25,
        "phone": "",
        "email": "",
        "created_at": created,
    }


def _lks_history(
    nation: Nation, history: Chains, record: dict[str, Any], operator: int
) -> dict[str, Any]:
    """Registered, then edited a few times by its operator; the final record."""
    when = record["created_at"]
    rows = [
        history.row(
            record, when=when, kind="+", user=operator, transition="lks_register"
        )
    ]
    for _ in range(nation.rng.randint(0, 2 * LKS_EDITS_MEAN)):
        when += dt.timedelta(days=nation.rng.uniform(1, 60))
        clients = nation.rng.randint(5, 40)
        record = {**record, "current_clients": clients, "phone": f"0812{clients:08d}"}
        rows.append(
            history.row(
                record,
                when=when,
                kind="~",
                user=operator,
                transition="lks_profile_update",
            )
        )
    history.chain(record["id"], rows)
    return record
