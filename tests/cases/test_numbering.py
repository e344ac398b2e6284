"""Tanda Registrasi numbers: format, one sequence per office and year, no gaps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from cases.models import CertificateSequence
from cases.numbering import format_certificate_number, next_certificate_number
from tests.conftest import World
from workflow.models import Organisation

MAY_2026 = dt.date(2026, 5, 12)


class Boom(Exception):
    pass


def take(office: Organisation, day: dt.date) -> tuple[int, str]:
    with transaction.atomic():
        return next_certificate_number(office=office, issued_on=day)


def test_the_format_is_the_domain_default() -> None:
    assert (
        format_certificate_number(sequence=12, region_code="32.01", issued_on=MAY_2026)
        == "0012/TD-LKS/32.01/V/2026"
    )


@pytest.mark.parametrize(
    ("month", "roman"), [(1, "I"), (4, "IV"), (9, "IX"), (11, "XI"), (12, "XII")]
)
def test_the_month_is_written_in_roman_numerals(month: int, roman: str) -> None:
    number = format_certificate_number(
        sequence=1, region_code="34.02", issued_on=dt.date(2027, month, 3)
    )
    assert number == f"0001/TD-LKS/34.02/{roman}/2027"


def test_numbers_count_up_from_one_per_office_and_year(world: World) -> None:
    bogor, bantul = world.dinsos_bogor, world.dinsos_bantul

    assert take(bogor, MAY_2026) == (1, "0001/TD-LKS/32.01/V/2026")
    assert take(bogor, dt.date(2026, 11, 2)) == (2, "0002/TD-LKS/32.01/XI/2026")
    assert take(bantul, MAY_2026) == (1, "0001/TD-LKS/34.02/V/2026")
    assert take(bogor, dt.date(2027, 1, 4)) == (1, "0001/TD-LKS/32.01/I/2027")
    assert CertificateSequence.objects.count() == 3


def test_a_rolled_back_transaction_gives_its_number_back(world: World) -> None:
    take(world.dinsos_bogor, MAY_2026)

    with pytest.raises(Boom), transaction.atomic():
        next_certificate_number(office=world.dinsos_bogor, issued_on=MAY_2026)
        raise Boom

    assert take(world.dinsos_bogor, MAY_2026)[0] == 2


def test_the_first_number_of_a_year_rolled_back_leaves_no_row(world: World) -> None:
    with pytest.raises(Boom), transaction.atomic():
        next_certificate_number(office=world.dinsos_bogor, issued_on=MAY_2026)
        raise Boom

    assert not CertificateSequence.objects.exists()
    assert take(world.dinsos_bogor, MAY_2026)[0] == 1
