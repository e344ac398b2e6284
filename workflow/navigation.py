"""The main menu of every page, for the signed-in user (a context processor).

Computed lazily: a page whose template never shows the menu asks nothing, and
one that does asks two queries (the user's memberships and the task counts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from workflow.inbox import task_counts
from workflow.nodes import staff_roles
from workflow.permissions import is_acting_user
from workflow.selectors import active_memberships


@dataclass(frozen=True)
class MenuItem:
    label: Any
    url: str
    count: int | None = None


# What the user holds: (role, organisation kind) pairs of active memberships.
Held = set[tuple[str, str]]
_contributors: list[Callable[[Held], list[MenuItem]]] = []


def menu_register(contributor: Callable[[Held], list[MenuItem]]) -> None:
    """An app adds its own menu items (its lists and pages) for what a user holds."""
    _contributors.append(contributor)


def _menu(request: HttpRequest) -> list[MenuItem]:
    user: Any = request.user
    if not is_acting_user(user):
        return []
    memberships = active_memberships().filter(user=user)
    rows = memberships.values_list(
        "organisation_role__organisation_id",
        "organisation_role__role",
        "organisation_role__organisation__kind",
    )
    pairs = [(organisation, role) for organisation, role, _kind in rows]
    held = {(role, kind) for _organisation, role, kind in rows}
    items: list[MenuItem] = []
    if {role for role, _kind in held} & staff_roles():
        counts = task_counts(user=user, pairs=pairs)
        items += [
            MenuItem(_("My tasks"), reverse("workflow:inbox"), counts["inbox"]),
            MenuItem(_("Queue"), reverse("workflow:queue"), counts["queue"]),
            MenuItem(_("Archive"), reverse("workflow:archive")),
        ]
        if counts["supervised"]:
            items.append(
                MenuItem(
                    _("Office tasks"),
                    reverse("workflow:supervised"),
                    counts["supervised"],
                )
            )
    for contributor in _contributors:
        items += contributor(held)
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"menu": SimpleLazyObject(lambda: _menu(request))}
