"""Every URL pattern, walked as every persona with real ids of another region:
out of scope is always 404 and never shows the record; and no GET of any page
changes a single row of any table."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import World
from tests.factories import UserFactory
from tests.scenes import Scene, scene
from workflow.models import Role
from workflow.services import membership_grant

PERSONAS = [
    "operator_bogor",
    "operator_other_lks",
    "verifier_bogor",
    "monev_bogor",
    "kadis_bogor",
    "supervisor_jabar",
    "opd_bintan_officer",
    "outsider",
    None,  # anonymous
]
# Not record pages: the admin (superusers only), the language switch (POST),
# and account pages keyed by e-mailed secrets (tests/workflow/test_accounts.py).
SKIPPED = ("admin/", "i18n/", "akun/")
# Public by design: anyone holding the QR token sees the public facts.
PUBLIC = {"verifikasi/<str:token>/", "verifikasi/periksa/"}
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def routes(skip: tuple[str, ...] = SKIPPED) -> Iterator[str]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    for route in walk(get_resolver().url_patterns, ""):
        if not route.startswith(skip):
            yield route


def _values(target: Scene, route: str) -> dict[str, str]:
    """Real ids of ``target`` for each parameter a route takes."""
    task = target.task
    lks = target.open_case.lks
    member = lks.board.first()
    certificate = target.issued.certificate
    by_name: dict[str, Callable[[], Any]] = {
        "reference": lambda: target.open_case.reference,
        "lks_pk": lambda: lks.pk,
        "member_pk": lambda: member.pk if member else 0,
        "process_pk": lambda: task.process_id,
        "step": lambda: task.flow_task.name,
        "task_pk": lambda: task.pk,
        "token": lambda: certificate.token,
    }
    # A bare <pk> means the record the page is about.
    if route.startswith("lembaga/"):
        by_name["pk"] = lambda: lks.pk
    elif "/dokumen/<int:pk>/" in route:
        by_name["pk"] = lambda: target.document.pk
    values = {}
    for match in PARAM.finditer(route):
        name = match["name"]
        assert name in by_name, f"add the parameter {name!r} of {route!r} to the walk"
        values[name] = str(by_name[name]())
    return values


def url_of(target: Scene, route: str) -> str:
    values = _values(target, route)
    return "/" + PARAM.sub(lambda m: values[m["name"]], route)


@pytest.fixture
def bantul(world: World, settings: Any, tmp_path: Path) -> Scene:
    settings.MEDIA_ROOT = tmp_path
    return scene(
        world.root, world.dinsos_bantul, "34.02", verifier=world.verifier_bantul
    )


def _client(world: World, persona: str | None) -> Client:
    client = Client()
    if persona is not None:
        client.force_login(getattr(world, persona))
    return client


def _assert_hidden(response: Any, target: Scene, where: str) -> None:
    body = response.content.decode(errors="replace")
    for name in (target.lks.name, target.open_case.lks.name):
        assert name not in body, f"{where} shows {name!r}"


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p or "anonymous")
def test_out_of_scope_records_are_404_for_everyone(
    world: World, bantul: Scene, persona: str | None
) -> None:
    client = _client(world, persona)
    for route in routes():
        if route in PUBLIC:
            continue
        url = url_of(bantul, route)
        response = client.get(url)
        where = f"GET {url} as {persona}"
        _assert_hidden(response, bantul, where)
        if not PARAM.search(route):
            assert response.status_code in {200, 302, 403, 405}, where
            continue
        if persona is None:
            assert response.status_code in {302, 405}, where
            if response.status_code == 302:
                assert response["Location"].startswith("/masuk/"), where
            continue
        if response.status_code == 405:  # a write URL: it must not tell either
            response = client.post(url, {})
            where = f"POST {url} as {persona}"
            _assert_hidden(response, bantul, where)
        assert response.status_code == 404, where


def _row_counts() -> dict[str, int]:
    models = apps.get_models(include_auto_created=True)
    return {m._meta.db_table: m._default_manager.count() for m in models}


def test_no_get_of_any_page_changes_any_row(
    world: World, bantul: Scene, bogor: Scene
) -> None:
    office_supervisor = UserFactory.create()
    membership_grant(
        actor=world.root,
        user=office_supervisor,
        organisation=world.dinsos_bogor,
        role=Role.SUPERVISOR,
    )
    people = [
        world.operator_bogor,
        world.verifier_bogor,
        world.kadis_bogor,
        world.supervisor_jabar,
        office_supervisor,
        None,
    ]
    # Every page, the account pages without a secret in their address too.
    every = [r for r in routes(skip=("admin/", "i18n/")) if "(?P<" not in r]
    for person in people:
        client = Client()
        if person is not None:
            client.force_login(person)
        for route in every:
            url = url_of(bogor, route)
            before = _row_counts()
            response = client.get(url)
            assert response.status_code < 500, f"GET {url}"
            assert _row_counts() == before, f"GET {url} as {person} wrote rows"
