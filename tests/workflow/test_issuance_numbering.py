"""Number series: the kind's format, one series per organisation, kind and year,
no gaps, and no duplicates when two signers take numbers at once."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from django.db import connection, connections, transaction

from tests.conftest import World
from tests.workflow.second_kind import CODE, balks_office, register_second_kind
from workflow.issuance.kinds import IssuedKind
from workflow.issuance.models import NumberSeries
from workflow.issuance.numbering import ROMAN_MONTHS, number_format, number_take
from workflow.models import Organisation

TD_LKS = "TD-LKS"
TD_LKS_FORMAT = "{seq:04d}/TD-LKS/{region_code}/{roman_month}/{year}"
MAY_2026 = dt.date(2026, 5, 12)


class Boom(Exception):
    pass


@pytest.fixture
def second_kind(monkeypatch: pytest.MonkeyPatch) -> Iterator[IssuedKind]:
    yield from register_second_kind(monkeypatch)


@pytest.fixture
def balks(db: None) -> Organisation:
    return balks_office()


def take(
    organisation: Organisation, day: dt.date, kind: str = TD_LKS
) -> tuple[int, str]:
    with transaction.atomic():
        return number_take(organisation=organisation, kind=kind, issued_on=day)


def test_the_tanda_registrasi_format_is_the_domain_default() -> None:
    number = number_format(
        TD_LKS_FORMAT, sequence=12, region_code="32.01", issued_on=MAY_2026
    )

    assert number == "0012/TD-LKS/32.01/V/2026"


@pytest.mark.parametrize(
    ("month", "roman"), [(1, "I"), (4, "IV"), (9, "IX"), (11, "XI"), (12, "XII")]
)
def test_the_month_is_written_in_roman_numerals(month: int, roman: str) -> None:
    number = number_format(
        TD_LKS_FORMAT,
        sequence=1,
        region_code="34.02",
        issued_on=dt.date(2027, month, 3),
    )

    assert number == f"0001/TD-LKS/34.02/{roman}/2027"
    assert ROMAN_MONTHS[month - 1] == roman


def test_numbers_count_up_from_one_per_organisation_and_year(world: World) -> None:
    bogor, bantul = world.dinsos_bogor, world.dinsos_bantul

    assert take(bogor, MAY_2026) == (1, "0001/TD-LKS/32.01/V/2026")
    assert take(bogor, dt.date(2026, 11, 2)) == (2, "0002/TD-LKS/32.01/XI/2026")
    assert take(bantul, MAY_2026) == (1, "0001/TD-LKS/34.02/V/2026")
    assert take(bogor, dt.date(2027, 1, 4)) == (1, "0001/TD-LKS/32.01/I/2027")
    assert NumberSeries.objects.filter(kind=TD_LKS).count() == 3


def test_a_second_kind_has_its_own_series_and_format(
    world: World, second_kind: IssuedKind, balks: Organisation
) -> None:
    take(world.dinsos_bogor, MAY_2026)
    take(world.dinsos_bogor, MAY_2026)

    # Same organisation, other kind: its own series, from one.
    assert take(world.dinsos_bogor, MAY_2026, kind=CODE) == (1, "001/AKR/32.01/2026")
    assert take(balks, MAY_2026, kind=CODE) == (1, "001/AKR/32/2026")
    assert take(balks, MAY_2026, kind=CODE) == (2, "002/AKR/32/2026")
    assert take(world.dinsos_bogor, MAY_2026) == (3, "0003/TD-LKS/32.01/V/2026")
    rows = NumberSeries.objects.values_list("organisation", "kind", "last_value")
    assert sorted(rows) == sorted(
        [
            (world.dinsos_bogor.pk, TD_LKS, 3),
            (world.dinsos_bogor.pk, CODE, 1),
            (balks.pk, CODE, 2),
        ]
    )


def test_an_unregistered_kind_takes_no_number(world: World) -> None:
    with pytest.raises(LookupError):
        take(world.dinsos_bogor, MAY_2026, kind="TIDAK-ADA")

    assert not NumberSeries.objects.exists()


def test_a_rolled_back_transaction_gives_its_number_back(world: World) -> None:
    take(world.dinsos_bogor, MAY_2026)

    with pytest.raises(Boom), transaction.atomic():
        number_take(organisation=world.dinsos_bogor, kind=TD_LKS, issued_on=MAY_2026)
        raise Boom

    assert take(world.dinsos_bogor, MAY_2026)[0] == 2


def test_the_first_number_of_a_year_rolled_back_leaves_no_row(world: World) -> None:
    with pytest.raises(Boom), transaction.atomic():
        number_take(organisation=world.dinsos_bogor, kind=TD_LKS, issued_on=MAY_2026)
        raise Boom

    assert not NumberSeries.objects.exists()
    assert take(world.dinsos_bogor, MAY_2026)[0] == 1


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_it_refuses(world: World) -> None:
    # select_for_update in autocommit: the number could not be held, so none.
    with pytest.raises(transaction.TransactionManagementError):
        number_take(organisation=world.dinsos_bogor, kind=TD_LKS, issued_on=MAY_2026)

    assert not NumberSeries.objects.filter(last_value__gt=0).exists()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbers_taken_at_once_are_consecutive_without_gaps(world: World) -> None:
    takers = 6
    barrier = threading.Barrier(takers)
    taken: list[object] = [None] * takers

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            taken[index] = take(world.dinsos_bogor, MAY_2026)[0]
        except Exception as exc:  # reported by the assert below
            taken[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(takers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(taken) == list(range(1, takers + 1)), taken  # type: ignore[type-var]
    assert NumberSeries.objects.get().last_value == takers
