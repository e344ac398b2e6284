"""The provincial supervisor's read-only overview and the case lists behind it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tests.scenes import Scene
from workflow.models import TaskDeadline

PROVINCE = "cases:province"


def _row(response: Any, office_pk: int) -> Any:
    return next(r for r in response.context["rows"] if r.office.pk == office_pk)


def _cases_behind(client: Client, page: str, office_pk: int, column: int) -> set[str]:
    """Follow one figure's link and return the LKS names the list shows."""
    links = re.findall(rf'href="(/kasus/\\?[^"]*office={office_pk})"', page)
    response = client.get(links[column].replace("&amp;", "&"))
    assert response.status_code == 200
    return {case.lks.name for case in response.context["page"]}


def test_the_supervisor_sees_every_office_of_the_province(
    world: World, bogor: Scene, client: Client
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    TaskDeadline.objects.filter(task=bogor.task).update(due_date=yesterday)
    client.force_login(world.supervisor_jabar)
    response = client.get(reverse(PROVINCE))
    assert response.status_code == 200
    offices = [row.office for row in response.context["rows"]]
    assert world.dinsos_bogor in offices and world.dinsos_jabar in offices
    assert world.dinsos_bantul not in offices  # another province
    row = _row(response, world.dinsos_bogor.pk)
    assert (row.open, row.overdue, row.decided) == (1, 1, 1)
    page = response.content.decode()
    waiting = {bogor.open_case.lks.name}
    assert _cases_behind(client, page, world.dinsos_bogor.pk, 0) == waiting
    assert _cases_behind(client, page, world.dinsos_bogor.pk, 1) == waiting
    assert _cases_behind(client, page, world.dinsos_bogor.pk, 2) == {
        bogor.issued.lks.name
    }


@pytest.mark.parametrize("persona", ["verifier_bogor", "kadis_bogor", "outsider"])
def test_it_is_closed_to_everyone_else(
    world: World, client: Client, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(reverse(PROVINCE)).status_code == 403


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse(PROVINCE))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_the_case_list_filters_and_refuses_a_bad_filter(
    world: World, bogor: Scene, client: Client
) -> None:
    client.force_login(world.verifier_bogor)
    url = reverse("cases:case_list")
    everything = client.get(url).context["page"]
    assert len(everything) == 2
    issued = client.get(url, {"status": "certificate_issued"}).context["page"]
    assert [c.pk for c in issued] == [bogor.issued.pk]
    bad = client.get(url, {"decided_since": "kemarin"})
    assert bad.status_code == 200 and len(bad.context["page"]) == 0
    assert bad.context["filters"].errors["decided_since"]
