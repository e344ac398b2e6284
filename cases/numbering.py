"""Tanda Registrasi numbers: one gap-free sequence per issuing office and year.

The format is DOMAIN.md §4's default, ``{seq:04d}/TD-LKS/{kode_wilayah}/
{bulan_romawi}/{tahun}``, e.g. ``0012/TD-LKS/32.01/V/2026``. The sequence row
is locked until the caller's transaction ends, so two signers of one office
queue up here, and a failed issue rolls its number back with everything else:
no gaps, no duplicates.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from cases.models import CertificateSequence
from workflow.models import Organisation

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


def format_certificate_number(
    *, sequence: int, region_code: str, issued_on: dt.date
) -> str:
    """``0012/TD-LKS/32.01/V/2026`` for sequence 12, Bogor, May 2026."""
    month = ROMAN_MONTHS[issued_on.month - 1]
    return f"{sequence:04d}/TD-LKS/{region_code}/{month}/{issued_on.year}"


def next_certificate_number(
    *, office: Organisation, issued_on: dt.date
) -> tuple[int, str]:
    """Take the next number of ``office`` for the year of ``issued_on``.

    Must run inside the caller's transaction (select_for_update refuses
    otherwise): the number belongs to that transaction and rolls back with it.
    """
    row = _locked_sequence(office=office, year=issued_on.year)
    row.last_value += 1
    row.save(update_fields=["last_value"])
    number = format_certificate_number(
        sequence=row.last_value, region_code=office.region.code, issued_on=issued_on
    )
    return row.last_value, number


def _locked_sequence(*, office: Organisation, year: int) -> CertificateSequence:
    rows = CertificateSequence.objects.select_for_update()
    found = rows.filter(office=office, year=year).first()
    if found is not None:
        return found
    # The first number of a year: two signers may both try to create the row.
    # The loser's insert waits for the winner, fails on the unique constraint,
    # and is undone by its savepoint alone; it then locks the winner's row.
    try:
        with transaction.atomic():
            CertificateSequence.objects.create(office=office, year=year)
    except IntegrityError:
        pass
    return rows.get(office=office, year=year)
