"""First-load weight of the pages people open most, from the real responses
(``bench.weight.first_load``: the HTML plus every asset it references, gzipped).

Budgets (DESIGN.md §8): staff inbox 60 KB, task page 80 KB, portal 30 KB.
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from bench.weight import KB, first_load
from tests.conftest import World
from tests.scenes import Scene
from workflow.views.tasks import task_url


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
