"""A Content-Security-Policy without inline script on every response."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from django.apps import apps
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from viewflow.workflow.models import Task

from cases.models import Registration
from cases.services.registration import registration_submit
from tests.conftest import World
from tests.factories import upload_required_documents

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def _assert_policy(response: Any, what: str) -> None:
    policy = response.get("Content-Security-Policy")
    assert policy == POLICY, (what, response.status_code, policy)


def _inline_code(html: str) -> list[str]:
    return [name for name, pattern in INLINE.items() if pattern.search(html)]


def _plain_paths(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    """Every URL of the project that takes no argument."""
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            if pattern.converters:
                continue
            route = prefix + str(pattern)
        elif isinstance(pattern, RegexPattern) and not pattern.regex.groups:
            route = prefix + str(pattern).lstrip("^").rstrip("$").replace("\\", "")
            if re.search(r"[()\[\]*+?|{}]", route):
                continue
        else:
            continue
        if isinstance(entry, URLResolver):
            yield from _plain_paths(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield "/" + route


def test_the_policy_allows_no_inline_script() -> None:
    policy = cast(dict[str, list[str]], settings.SECURE_CSP)
    assert policy["script-src"] == ["'self'"]
    assert all("unsafe" not in value for value in policy["style-src"])
    # No nonce either: nothing of ours or the admin's needs inline script.
    assert "django.template.context_processors.csp" not in str(settings.TEMPLATES)


@pytest.mark.parametrize("who", ["anonymous", "superuser"])
def test_every_url_answers_with_the_policy(world: World, who: str) -> None:
    client = Client(raise_request_exception=False)
    if who == "superuser":
        client.force_login(world.root)
    paths = sorted(set(_plain_paths(get_resolver().url_patterns)))
    assert {"/", "/masuk/", "/admin/", "/akun/signup/"} <= set(paths)
    for path in [*paths, "/tidak-ada/", "/admin/tidak-ada/"]:
        _assert_policy(client.get(path), path)


def test_the_pages_of_each_kind_carry_it(
    client: Client, world: World, registration: Registration
) -> None:
    _assert_policy(client.get(reverse("workflow:home")), "home, anonymous")
    _assert_policy(client.get(reverse("workflow:login")), "sign-in")
    _assert_policy(client.post(reverse("workflow:login"), {"login": "x"}), "refused")
    client.force_login(world.operator_bogor)
    _assert_policy(client.get(reverse("cases:portal_dashboard")), "portal")
    _assert_policy(client.get(reverse("workflow:home")), "home")
    client.force_login(world.verifier_bogor)
    _assert_policy(client.get(reverse("workflow:inbox")), "staff inbox")


def test_static_files_carry_it(settings: Any, db: None) -> None:
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/workflow/pilar.css")
    assert response.status_code == 200
    _assert_policy(response, "static")


def test_a_header_set_by_the_view_is_kept() -> None:
    own = "default-src 'none'; sandbox"

    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["Content-Security-Policy"] = own
        return response

    middleware = ContentSecurityPolicyMiddleware(view)
    response = middleware(RequestFactory().get("/berkas/1/"))
    assert isinstance(response, HttpResponse)
    assert response["Content-Security-Policy"] == own


def test_the_admin_works_without_inline_code(
    client: Client,
    world: World,
    registration: Registration,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload_required_documents(registration=registration, actor=world.operator_bogor)
    registration_submit(actor=world.operator_bogor, registration=registration)
    client.force_login(world.root)
    task = Task.objects.order_by("pk").first()
    assert task is not None
    pages = [
        reverse("admin:index"),
        reverse("admin:viewflow_task_changelist"),
        reverse("admin:viewflow_task_change", args=[task.pk]),
        reverse("admin:viewflow_process_change", args=[task.process_id]),
        reverse("admin:workflow_user_change", args=[world.verifier_bogor.pk]),
        reverse("admin:workflow_user_changelist"),
        reverse("admin:workflow_organisation_add"),
        reverse("admin:auth_group_add"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_policy(response, url)
        assert _inline_code(response.content.decode()) == [], url


def _our_templates() -> Iterator[str]:
    base = Path(settings.BASE_DIR)
    for config in apps.get_app_configs():
        folder = Path(config.path) / "templates"
        if folder.is_relative_to(base) and not folder.is_relative_to(base / ".venv"):
            for template in sorted(folder.rglob("*.html")):
                yield str(template.relative_to(base))


@pytest.mark.parametrize("template", list(_our_templates()))
def test_no_template_of_ours_has_inline_code(template: str) -> None:
    html = (Path(settings.BASE_DIR) / template).read_text()
    assert _inline_code(html) == []
