"""Named personas shared by every test (STYLE.md: tests built on personas)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from cases.models import Lks, Registration
from cases.services.portal import lks_access_grant
from cases.services.registration import registration_create
from tests.factories import LksFactory, OrganisationFactory, UserFactory, region
from tests.scenes import Scene, scene
from workflow.models import Organisation, Role, User
from workflow.services import membership_grant

PASSWORD = "rahasia-uji-123"


@pytest.fixture(autouse=True)
def _indonesian() -> None:
    # A request in English leaves English active in the thread; each test
    # starts from the default language, Bahasa Indonesia.
    translation.activate("id")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate limits (allauth's sign-in limits, the public pages) count in the
    # cache; one test's attempts must not be counted against the next.
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The production hasher costs ~0.3 s a user; tests create dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """The organisations and people of our tests."""

    dinsos_bogor: Organisation
    dinsos_bantul: Organisation
    dinsos_jabar: Organisation
    opd_bintan: Organisation
    lks_bogor: Lks
    lks_bogor_other: Lks
    root: User
    operator_bogor: User
    operator_other_lks: User
    verifier_bogor: User
    monev_bogor: User
    verifier_bantul: User
    kadis_bogor: User
    supervisor_jabar: User
    opd_bintan_officer: User
    outsider: User


def _member(root: User, organisation: Organisation, role: str, username: str) -> User:
    user = UserFactory.create(username=username)
    membership_grant(actor=root, user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def world(db: None) -> World:
    root = UserFactory.create(username="root", is_superuser=True, is_staff=True)
    bogor = OrganisationFactory.create(name="Dinas Sosial Kabupaten Bogor")
    bantul = OrganisationFactory.create(
        name="Dinas Sosial Kabupaten Bantul", region=region("34.02")
    )
    jabar = OrganisationFactory.create(
        name="Dinas Sosial Provinsi Jawa Barat",
        kind=Organisation.Kind.DINSOS_PROVINCE,
        region=region("32"),
    )
    opd = OrganisationFactory.create(
        name="DP3KB Kabupaten Bintan",
        kind=Organisation.Kind.OPD,
        agency=Organisation.Agency.DP3KB,
        region=region("21.01"),
    )
    lks = LksFactory.create(name="Panti Asuhan Kasih Bogor")
    other = LksFactory.create(name="Panti Werdha Sejahtera Bogor")
    for each in (lks, other):
        lks_access_grant(lks=each)
    return World(
        dinsos_bogor=bogor,
        dinsos_bantul=bantul,
        dinsos_jabar=jabar,
        opd_bintan=opd,
        lks_bogor=lks,
        lks_bogor_other=other,
        root=root,
        operator_bogor=_member(root, lks.organisation, Role.OPERATOR, "operator_bogor"),
        operator_other_lks=_member(
            root, other.organisation, Role.OPERATOR, "operator_other"
        ),
        verifier_bogor=_member(root, bogor, Role.VERIFIER, "verifier_bogor"),
        monev_bogor=_member(root, bogor, Role.MONEV_OFFICER, "monev_bogor"),
        verifier_bantul=_member(root, bantul, Role.VERIFIER, "verifier_bantul"),
        kadis_bogor=_member(root, bogor, Role.SIGNER, "kadis_bogor"),
        supervisor_jabar=_member(root, jabar, Role.SUPERVISOR, "supervisor_jabar"),
        opd_bintan_officer=_member(root, opd, Role.MONEV_OFFICER, "opd_bintan"),
        outsider=UserFactory.create(username="outsider"),
    )


@pytest.fixture
def registration(world: World) -> Registration:
    return registration_create(
        actor=world.operator_bogor, lks=world.lks_bogor, kind=Registration.Kind.FIRST
    )


@pytest.fixture
def bogor(world: World, settings: Any, tmp_path: Path) -> Scene:
    """Kab. Bogor with an issued case and a claimed case in verification,
    walked through the flow by the world's Bogor staff."""
    settings.MEDIA_ROOT = tmp_path
    return scene(
        world.root,
        world.dinsos_bogor,
        "32.01",
        operator=world.operator_bogor,
        verifier=world.verifier_bogor,
        kadis=world.kadis_bogor,
    )
