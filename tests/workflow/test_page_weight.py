"""First-load weight of the pages people open most, from the real responses:
the HTML plus every stylesheet, script and font it references, gzipped.

Budgets (DESIGN.md §8): staff inbox 60 KB, task page 80 KB, portal 30 KB.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.scenes import Scene
from workflow.views.tasks import task_url

KB = 1024
ASSET = re.compile(r'(?:href|src)="(?P<url>[^"]+\.(?:css|js|woff2?|ttf|png|svg))"')
CSS_URL = re.compile(r"url\(['\"]?(?P<url>[^'\")]+)['\"]?\)")


def _static(url: str) -> bytes:
    assert url.startswith(settings.STATIC_URL) or url.startswith(
        "/" + settings.STATIC_URL
    ), f"{url} is not one of our own static files"
    name = url.split(settings.STATIC_URL, 1)[1]
    found = finders.find(name)
    assert found, f"{url} is referenced but does not exist"
    return Path(str(found)).read_bytes()


def first_load(client: Client, url: str) -> dict[str, int]:
    """Bytes on the wire (gzip) of a page and everything it loads."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content
    sizes = {url: len(gzip.compress(html))}
    for match in ASSET.finditer(html.decode()):
        asset = match["url"]
        body = _static(asset)
        sizes[asset] = len(gzip.compress(body))
        if asset.endswith(".css"):
            for inner in CSS_URL.finditer(body.decode()):
                assert inner["url"].startswith("data:"), f"{asset} loads {inner}"
    assert not any("viewflow" in name for name in sizes), sizes
    return sizes


def _report(name: str, sizes: dict[str, int]) -> int:
    total = sum(sizes.values())
    print(f"{name}: {total / KB:.1f} KB gzip in {len(sizes)} requests {sizes}")
    return total


def test_the_staff_inbox_loads_within_60_kb(
    world: World, bogor: Scene, client: Client
) -> None:
    client.force_login(world.verifier_bogor)
    assert _report("inbox", first_load(client, reverse("workflow:inbox"))) <= 60 * KB
    assert _report("queue", first_load(client, reverse("workflow:queue"))) <= 60 * KB


def test_a_task_page_loads_within_80_kb(
    world: World, bogor: Scene, client: Client
) -> None:
    client.force_login(world.verifier_bogor)
    sizes = first_load(client, task_url(bogor.task))
    assert _report("task page", sizes) <= 80 * KB


def test_the_portal_loads_within_30_kb(
    world: World, bogor: Scene, client: Client
) -> None:
    client.force_login(world.operator_bogor)
    dashboard = first_load(client, reverse("cases:portal_dashboard"))
    assert _report("portal", dashboard) <= 30 * KB
    documents = reverse("cases:portal_documents", args=[bogor.issued.reference])
    assert _report("portal documents", first_load(client, documents)) <= 30 * KB
