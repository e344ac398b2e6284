"""Document numbers: one gap-free series per issuing organisation, kind and year.

The series row is locked until the caller's transaction ends, so two signers
of one organisation queue up here, and a failed issue rolls its number back
with everything else: no gaps, no duplicates. Each kind formats its numbers
with the pattern it registered (``kinds.IssuedKind.number_format``).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from workflow.issuance.kinds import kind_get
from workflow.issuance.models import NumberSeries
from workflow.models import Organisation

__all__ = ["ROMAN_MONTHS", "number_format", "number_take"]

ROMAN_MONTHS = (
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
)


def number_format(
    pattern: str, *, sequence: int, region_code: str, issued_on: dt.date
) -> str:
    """``0012/TD-LKS/32.01/V/2026`` for the TD-LKS pattern, 12, Bogor, May 2026."""
    return pattern.format(
        seq=sequence,
        year=issued_on.year,
        month=issued_on.month,
        roman_month=ROMAN_MONTHS[issued_on.month - 1],
        region_code=region_code,
    )


def number_take(
    *, organisation: Organisation, kind: str, issued_on: dt.date
) -> tuple[int, str]:
    """Take the next number of ``kind`` from ``organisation`` for that year.

    Must run inside the caller's transaction (select_for_update refuses
    otherwise): the number belongs to that transaction and rolls back with it.
    """
    pattern = kind_get(kind).number_format
    row = _locked_series(organisation=organisation, kind=kind, year=issued_on.year)
    row.last_value += 1
    row.save(update_fields=["last_value"])
    number = number_format(
        pattern,
        sequence=row.last_value,
        region_code=organisation.region.code,
        issued_on=issued_on,
    )
    return row.last_value, number


def _locked_series(*, organisation: Organisation, kind: str, year: int) -> NumberSeries:
    rows = NumberSeries.objects.select_for_update()
    found = rows.filter(organisation=organisation, kind=kind, year=year).first()
    if found is not None:
        return found
    # The first number of a year: two signers may both try to create the row.
    # The loser's insert waits for the winner, fails on the unique constraint,
    # and is undone by its savepoint alone; it then locks the winner's row.
    try:
        with transaction.atomic():
            NumberSeries.objects.create(organisation=organisation, kind=kind, year=year)
    except IntegrityError:
        pass
    return rows.get(organisation=organisation, kind=kind, year=year)
