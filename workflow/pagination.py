"""Pages of long lists: count and slice the keys, then load one page's rows.

A list page asks two things of the database: how many rows match, and which
25 to show. Both are answered on the list's narrowest shape (keys in index
order: a deadline's task id, a case's id), and only the rows of the page are
then read with their joins. Joining every matching row before sorting and
keeping 25 is what made a busy office's lists slow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet

PAGE_SIZE = 25


def page_of_keys[M: Model](
    keys: QuerySet[M],
    number: Any,
    *,
    rows: Callable[[list[Any]], Sequence[Any]],
    per_page: int = PAGE_SIZE,
) -> Page:
    """The page ``number`` of ``keys`` (an ordered queryset), its objects
    replaced by ``rows(pks)``: the full rows of that page, in the same order."""
    page = Paginator(keys.values_list("pk", flat=True), per_page).get_page(number)
    page.object_list = list(rows(list(page.object_list)))
    return page


def in_order[M: Model](queryset: QuerySet[M], pks: list[Any]) -> list[M]:
    """The objects of ``queryset`` whose pk is in ``pks``, in that order."""
    found = {obj.pk: obj for obj in queryset.filter(pk__in=pks)}
    return [found[pk] for pk in pks if pk in found]
