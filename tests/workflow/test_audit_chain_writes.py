"""The history INSERT carries its hashes: one audited write, few statements,
and hashes equal to those of the rows read back, in every history table."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from cases.models import Lks, Registration
from cases.services.portal import lks_profile_update
from tests.conftest import World
from tests.workflow.test_verify_audit import every_history  # noqa: F401 (fixture)
from workflow.audit import (
    audited_history_models,
    audited_save,
    entry_hash,
    verify_all,
)
from workflow.audit import chain as audit_chain
from workflow.exceptions import StaleRecord
from workflow.models import AuditHead
from workflow.services import transition_run

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def _audit_statements(captured: CaptureQueriesContext) -> list[str]:
    """The statements of the audit trail, each cut to its verb and table."""
    found = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if "historical" in sql or "audithead" in sql or '"audit_head" = ' in sql:
            found.append(" ".join(sql.split()[:3]))
    return found


def _lks(world: World) -> Lks:
    return Lks.objects.get(pk=world.lks_bogor.pk)


def test_an_audited_save_is_the_update_and_three_statements(world: World) -> None:
    lks = _lks(world)
    lks.phone = "0251-123456"

    with CaptureQueriesContext(connection) as captured:
        audited_save(
            record=lks,
            actor=world.operator_bogor,
            action="lks_profile_update",
            fields=["phone"],
        )

    statements = [" ".join(q["sql"].split()[:3]) for q in captured.captured_queries]
    assert statements == [
        'UPDATE "cases_lks" SET',
        'SELECT "workflow_audithead"."head" AS',  # locked on PostgreSQL
        'INSERT INTO "cases_historicallks"',
        'INSERT INTO "workflow_audithead"',  # ... ON CONFLICT DO UPDATE
    ]
    row = lks.history.order_by("-history_id").values().first()
    assert row is not None and row["phone"] == "0251-123456"
    assert row["entry_hash"] == entry_hash(Lks.history.model, row)


def test_a_transition_writes_its_audit_trail_in_two_or_three_statements(
    world: World, registration: Registration
) -> None:
    with CaptureQueriesContext(connection) as captured:
        record = transition_run(
            actor=world.operator_bogor, record=registration, transition="submit"
        )

    # The previous hash is the record's audit_head, read with its row lock.
    head_moves = (
        ["WITH moved AS"]  # the head upsert, then its audit_head UPDATE
        if connection.vendor == "postgresql"
        else ['INSERT INTO "workflow_audithead"', 'UPDATE "cases_registration" SET']
    )
    assert _audit_statements(captured) == [
        'INSERT INTO "cases_historicalregistration"',
        *head_moves,
    ]
    sql = [q["sql"] for q in captured.captured_queries]
    history_insert = next(i for i, s in enumerate(sql) if "historical" in s)
    assert not any("SAVEPOINT" in s for s in sql[history_insert:-1])
    newest = record.history.order_by("-history_id").values().first()
    assert newest is not None
    assert record.audit_head == newest["entry_hash"]
    assert newest["entry_hash"] == entry_hash(Registration.history.model, newest)
    assert newest["prev_hash"] == registration.audit_head


def test_values_given_in_other_forms_hash_as_they_read_back(world: World) -> None:
    # Only the phone is validated and saved; the history row copies every
    # value as it stands on the instance: strings for numbers and dates, a
    # float, a decimal past its places, a time in Jakarta, JSON out of order.
    lks = _lks(world)
    lks.phone = "0251-7"
    lks.latitude = "-6.5971"
    lks.longitude = 106.84567891
    lks.deed_date = "2020-02-29"
    lks.capacity = "12"
    lks.has_legal_entity = 1  # type: ignore[assignment]
    lks.created_at = dt.datetime(2024, 7, 1, 8, 30, 15, 123456, tzinfo=JAKARTA)
    lks.service_types = {
        "b": [1, 2.5, "é", 1e16, -0.0, 1.5e-05],  # jsonb: 10000000000000000, 0.0
        1: {"z": None, "y": (1, 2)},  # a key that JSON makes a string
    }
    audited_save(
        record=lks,
        actor=world.operator_bogor,
        action="lks_profile_update",
        fields=["phone"],
    )
    lks.latitude = Decimal("-0.0000001")  # rounds to zero, never to "-0"
    lks.longitude = Decimal("106.8456785")  # a tie, rounded away from zero
    lks.capacity = 12.0
    audited_save(
        record=lks,
        actor=world.operator_bogor,
        action="lks_profile_update",
        fields=["phone"],
    )

    rows = list(lks.history.order_by("-history_id").values()[:2])
    assert [(r["latitude"], r["longitude"]) for r in rows] == [
        (Decimal("0.000000"), Decimal("106.845679")),
        (Decimal("-6.597100"), Decimal("106.845679")),
    ]
    assert rows[1]["deed_date"] == dt.date(2020, 2, 29)
    for row in rows:
        assert row["entry_hash"] == entry_hash(Lks.history.model, row)
    assert verify_all() == []


def test_every_history_row_written_hashes_as_read_back(
    every_history: None,  # noqa: F811
) -> None:
    checked = 0
    for history_model in audited_history_models():
        for row in history_model._default_manager.order_by("history_id").values():
            assert row["entry_hash"] == entry_hash(history_model, row), row
            checked += 1
    assert checked > 0
    assert verify_all() == []


def test_a_failed_history_write_takes_the_record_write_with_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    lks = _lks(world)
    rows = lks.history.count()

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit_chain, "head_seal", broken)
    with transaction.atomic():
        lks.phone = "0251-000000"
        with pytest.raises(RuntimeError):
            audited_save(
                record=lks, actor=world.operator_bogor, action="lks_profile_update"
            )
        # Caught, yet nothing of it can be committed.
        with pytest.raises(TransactionManagementError):
            Lks.objects.filter(pk=lks.pk).update(phone="0251-111111")

    fresh = _lks(world)
    assert fresh.phone == world.lks_bogor.phone
    assert fresh.history.count() == rows
    monkeypatch.undo()
    assert verify_all() == []


def test_a_head_moved_on_meanwhile_refuses_the_write(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if another writer moved the head between this writer's read of it
    # and its upsert: the upsert must not fork the chain.
    lks = _lks(world)
    label = Lks.history.model._meta.label
    head = AuditHead.objects.get(history_model=label, record_id=str(lks.pk))
    monkeypatch.setattr(audit_chain, "_head_locked", lambda *args: "0" * 64)

    with transaction.atomic(), pytest.raises(StaleRecord):
        lks_profile_update(actor=world.operator_bogor, lks=lks, phone="0251-5")

    assert AuditHead.objects.get(pk=head.pk).head == head.head
    monkeypatch.undo()
    assert verify_all() == []


def test_a_record_read_before_its_head_moved_cannot_fork_the_chain(
    world: World, registration: Registration
) -> None:
    # Two copies of one case in memory; the first one's write moves the head,
    # the second still carries the old one in its audit_head.
    first = Registration.objects.get(pk=registration.pk)
    stale = Registration.objects.get(pk=registration.pk)
    first.receipt_number = "R-1"
    audited_save(
        record=first,
        actor=world.operator_bogor,
        action="registration_update",
        fields=["receipt_number"],
    )
    label = Registration.history.model._meta.label
    head = AuditHead.objects.get(history_model=label, record_id=str(registration.pk))
    rows = registration.history.count()

    stale.receipt_number = "R-2"
    with transaction.atomic(), pytest.raises(StaleRecord):
        audited_save(
            record=stale,
            actor=world.operator_bogor,
            action="registration_update",
            fields=["receipt_number"],
        )

    assert AuditHead.objects.get(pk=head.pk).head == head.head == first.audit_head
    assert registration.history.count() == rows
    fresh = Registration.objects.get(pk=registration.pk)
    assert (fresh.receipt_number, fresh.audit_head) == ("R-1", head.head)
    assert verify_all() == []


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writers_of_one_chain_at_once_both_land_in_order(world: World) -> None:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(phone: str) -> None:
        try:
            barrier.wait(timeout=10)
            lks_profile_update(
                actor=world.operator_bogor, lks=world.lks_bogor, phone=phone
            )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(p,)) for p in ("0251-1", "0251-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    chain = list(world.lks_bogor.history.order_by("history_id").values())
    assert {row["phone"] for row in chain[-2:]} == {"0251-1", "0251-2"}
    assert chain[-1]["prev_hash"] == chain[-2]["entry_hash"]
    assert verify_all() == []
