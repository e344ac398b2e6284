"""verify_audit catches any history row changed behind the app's back."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count
from simple_history.models import HistoricalChanges
from viewflow.workflow.models import Task

from accreditation.services.instruments import (
    component_create,
    component_update,
    indicator_create,
    indicator_level_set,
    indicator_update,
    instrument_create,
    instrument_update,
    instrument_version_publish,
    instrument_version_update,
    threshold_set,
)
from cases.models import BoardMember, Registration
from cases.services.portal import (
    board_member_add,
    board_member_remove,
    board_member_update,
    lks_profile_update,
)
from cases.services.registration import registration_sign
from tests.conftest import World
from tests.factories import OrganisationFactory, UserFactory
from workflow import audit
from workflow.audit import (
    AuditImmutableError,
    audited_history_models,
    entry_hash,
    unaudited_history_models,
)
from workflow.audit.verify import history_rows
from workflow.management.commands import verify_audit
from workflow.models import Membership, Organisation, Role
from workflow.nodes import human_task_claim, human_task_release
from workflow.registry import open_task, process_start
from workflow.services import membership_deactivate, membership_grant, transition_run

TABLE = Registration.history.model._meta.db_table


@pytest.fixture
def audited(world: World, registration: Registration) -> Registration:
    """A case with four history rows: created, submitted, in verification, verified."""
    record = registration
    for persona, name in [
        ("operator_bogor", "submit"),
        ("verifier_bogor", "start_verification"),
        ("verifier_bogor", "verify"),
    ]:
        record = transition_run(
            actor=getattr(world, persona), record=record, transition=name
        )
    return record


def _history_ids(record: Registration) -> list[int]:
    return list(
        record.history.order_by("history_id").values_list("history_id", flat=True)
    )


def _verify() -> tuple[bool, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as exc:
        return False, err.getvalue() + str(exc)
    return True, out.getvalue()


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_it_passes_on_an_untouched_database(audited: Registration) -> None:
    ok, output = _verify()
    assert ok, output
    assert "4 history rows checked" in output


def test_it_shows_its_progress_table_by_table(
    audited: Registration, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify_audit, "PROGRESS_EVERY", 0.0)  # after every batch
    ok, output = _verify()
    assert ok, output
    label = Registration.history.model._meta.label
    lines = [line for line in output.splitlines() if line.startswith(f"{label}: ")]
    assert lines[0].startswith(f"{label}: 4 history rows checked so far in ")
    assert lines[-1].startswith(f"{label}: 4 history rows checked in ")
    assert all(line.endswith(" rows/s)") for line in lines)
    assert output.splitlines()[-1] == "Audit trail intact."


def test_it_catches_an_edited_row(audited: Registration) -> None:
    second = _history_ids(audited)[1]
    _sql(
        f"UPDATE {TABLE} SET history_change_reason = %s WHERE history_id = %s",
        ["diubah diam-diam", second],
    )
    ok, output = _verify()
    assert not ok
    assert (
        f"cases.Registration #{audited.pk}: row altered (history row {second})"
        in output
    )


def test_it_catches_a_deleted_middle_row(audited: Registration) -> None:
    middle = _history_ids(audited)[1]
    _sql(f"DELETE FROM {TABLE} WHERE history_id = %s", [middle])
    ok, output = _verify()
    assert not ok
    assert f"cases.Registration #{audited.pk}: chain broken" in output


def test_it_catches_a_deleted_newest_row(audited: Registration) -> None:
    newest = _history_ids(audited)[-1]
    _sql(f"DELETE FROM {TABLE} WHERE history_id = %s", [newest])
    ok, output = _verify()
    assert not ok
    assert f"cases.Registration #{audited.pk}: newest history row missing" in output


def test_it_catches_an_inserted_row(audited: Registration) -> None:
    newest = audited.history.order_by("-history_id").values().first()
    assert newest is not None
    forged = {
        **newest,
        "history_change_reason": "sisipan",
        "prev_hash": newest["entry_hash"],
    }
    del forged["history_id"]
    fields = {f.attname: f for f in Registration.history.model._meta.concrete_fields}
    values = [
        fields[name].get_db_prep_save(value, connection)
        for name, value in forged.items()
    ]
    columns = ", ".join(fields[name].column for name in forged)
    marks = ", ".join(["%s"] * len(forged))
    _sql(f"INSERT INTO {TABLE} ({columns}) VALUES ({marks})", values)
    ok, output = _verify()
    assert not ok
    assert f"cases.Registration #{audited.pk}" in output


def test_it_catches_a_wiped_history(audited: Registration) -> None:
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [audited.pk])
    ok, output = _verify()
    assert not ok
    assert f"cases.Registration #{audited.pk}: history missing" in output


def test_the_app_cannot_change_or_delete_history(audited: Registration) -> None:
    entry = audited.history.first()
    assert entry is not None
    entry.history_change_reason = "ubah"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.delete()


# --- every history table ------------------------------------------------------
#
# The tables are found, not listed: a history table added later without data
# below fails ``test_every_history_table_is_covered`` until this fixture
# writes to it, and then every tampering test runs on it too.

MIN_ROWS = 3  # a first, a middle and a newest row


@pytest.fixture
def every_history(
    world: World, registration: Registration, settings: Any, tmp_path: Path
) -> None:
    """At least one record with three history rows in every history table."""
    settings.MEDIA_ROOT = tmp_path
    operator, verifier, kadis = (
        world.operator_bogor,
        world.verifier_bogor,
        world.kadis_bogor,
    )
    lks = world.lks_bogor
    # LKS profile and board, while the case is a draft
    lks_profile_update(actor=operator, lks=lks, phone="0251-111111")
    lks_profile_update(actor=operator, lks=lks, phone="0251-222222")
    member = board_member_add(actor=operator, lks=lks, name="Budi", position="anggota")
    member = board_member_update(
        actor=operator, member=member, name="Budi Santoso", position="anggota"
    )
    board_member_remove(actor=operator, member=member)
    # membership: granted (in world), ended, granted again
    membership = Membership.objects.get(user=world.monev_bogor)
    membership_deactivate(actor=world.root, membership=membership, reason="Mutasi")
    membership_grant(
        actor=world.root,
        user=world.monev_bogor,
        organisation=world.dinsos_bogor,
        role=Role.MONEV_OFFICER,
    )
    # the case, its verification task (claimed, released) and its certificate
    record = transition_run(actor=operator, record=registration, transition="submit")
    process_start(record=record)
    task = open_task(record=record, step="verify")
    assert task is not None
    human_task_claim(actor=verifier, task=task)
    human_task_release(actor=verifier, task=Task.objects.get(pk=task.pk))
    for actor, name, data in [
        (verifier, "start_verification", {"receipt_number": "R-1"}),
        (verifier, "verify", None),
        (kadis, "approve", None),
    ]:
        record = transition_run(actor=actor, record=record, transition=name, data=data)
    certificate = registration_sign(actor=kadis, registration=record)
    certificate = transition_run(
        actor=kadis, record=certificate, transition="suspend", reason="Temuan monev"
    )
    transition_run(
        actor=kadis,
        record=certificate,
        transition="reinstate",
        reason="Ditindaklanjuti",
    )
    _instrument_history(world)


def _instrument_history(world: World) -> None:
    """An instrument drafted and published: three rows in each of its tables."""
    body = OrganisationFactory.create(
        name="Badan Akreditasi LKS", kind=Organisation.Kind.BALKS
    )
    admin = UserFactory.create(username="admin_balks")
    membership_grant(
        actor=world.root, user=admin, organisation=body, role=Role.ADMINISTRATOR
    )
    version = instrument_create(actor=admin, code="uji", name="Uji")
    for name in ("Uji 2", "Uji 3"):
        instrument_update(actor=admin, instrument=version.instrument, name=name)
    component = component_create(
        actor=admin, version=version, code="k", name="K", weight=Decimal(90), position=1
    )
    for weight in (95, 100):
        component_update(
            actor=admin,
            component=component,
            name="K",
            weight=Decimal(weight),
            position=1,
        )
    indicator = indicator_create(
        actor=admin,
        component=component,
        code="k-1",
        text="I",
        position=1,
        guidance=["1", "2", "3", "4"],
    )
    for text in ("I 2", "I 3"):
        indicator_update(actor=admin, indicator=indicator, text=text, position=1)
    for guidance in ("1 bis", "1 ter"):
        indicator_level_set(
            actor=admin, indicator=indicator, score=1, guidance=guidance
        )
    for minimum in (80, 85, 86):
        threshold_set(
            actor=admin,
            version=version,
            grade="A",
            label="Sangat Baik",
            minimum=Decimal(minimum),
            validity_years=5,
        )
    threshold_set(
        actor=admin,
        version=version,
        grade="B",
        label="Baik",
        minimum=Decimal(71),
        validity_years=3,
    )
    threshold_set(
        actor=admin,
        version=version,
        grade="C",
        label="Cukup",
        minimum=Decimal(56),
        validity_years=2,
    )
    instrument_version_update(
        actor=admin, version=version, total_gap=Decimal(10), indicator_gap=1
    )
    instrument_version_publish(actor=admin, version=version)


HISTORY_TABLES = [model._meta.label for model in audited_history_models()]


def _history_model(label: str) -> type[Any]:
    return apps.get_model(label)


def _target(history_model: type[Any]) -> tuple[str, Any, list[int]]:
    """The record to tamper with: a deleted one if the table has any (its head
    must outlive it), else the one with the longest history."""
    pk_name = history_model.instance_type._meta.pk.attname
    rows = history_model._default_manager
    deleted = rows.filter(history_type="-").values_list(pk_name, flat=True).first()
    if deleted is None:
        counted = rows.values(pk_name).annotate(n=Count("history_id")).order_by("-n")
        deleted = counted.values_list(pk_name, flat=True).first()
    ids = rows.filter(**{pk_name: deleted}).order_by("history_id")
    return (
        history_model.instance_type._meta.label,
        deleted,
        list(ids.values_list("history_id", flat=True)),
    )


def _tampered(statement: str, params: list[Any]) -> tuple[bool, str]:
    """Run one statement behind the app's back, verify, then undo it."""
    with transaction.atomic():
        _sql(statement, params)
        result = _verify()
        transaction.set_rollback(True)
    return result


def _copy_row(history_model: type[Any], history_id: int) -> tuple[str, list[Any]]:
    """An INSERT of a forged row: the given one with another reason, chained on."""
    row = history_model._default_manager.filter(history_id=history_id).values().get()
    forged = {**row, "history_change_reason": "sisipan", "prev_hash": row["entry_hash"]}
    del forged["history_id"]
    fields = {f.attname: f for f in history_model._meta.concrete_fields}
    values = [
        fields[name].get_db_prep_save(value, connection)
        for name, value in forged.items()
    ]
    columns = ", ".join(fields[name].column for name in forged)
    marks = ", ".join(["%s"] * len(forged))
    table = history_model._meta.db_table
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})", values


def test_every_history_table_is_chained_and_covered(every_history: None) -> None:
    assert unaudited_history_models() == []
    assert len(HISTORY_TABLES) >= 6
    for label in HISTORY_TABLES:
        history_model = _history_model(label)
        _model, _record_id, history_ids = _target(history_model)
        assert len(history_ids) >= MIN_ROWS, f"{label}: give one record {MIN_ROWS} rows"
    deleted = BoardMember.history.filter(history_type="-")
    assert deleted.count() == 1
    assert not BoardMember.objects.filter(pk=deleted.get().id).exists()
    ok, output = _verify()
    assert ok, output


@pytest.mark.parametrize("label", HISTORY_TABLES)
def test_every_kind_of_tampering_is_caught_in_every_table(
    every_history: None, label: str
) -> None:
    history_model = _history_model(label)
    table = history_model._meta.db_table
    model, record_id, history_ids = _target(history_model)
    first, middle, newest = history_ids[0], history_ids[-2], history_ids[-1]
    named = f"{model} #{record_id}"

    ok, output = _tampered(
        f"UPDATE {table} SET history_change_reason = %s WHERE history_id = %s",
        ["diubah diam-diam", middle],
    )
    assert not ok and f"{named}: row altered (history row {middle})" in output

    ok, output = _tampered(f"DELETE FROM {table} WHERE history_id = %s", [newest])
    assert not ok and f"{named}: newest history row missing" in output

    ok, output = _tampered(f"DELETE FROM {table} WHERE history_id = %s", [middle])
    assert not ok and f"{named}: chain broken" in output

    ok, output = _tampered(f"DELETE FROM {table} WHERE history_id = %s", [first])
    assert not ok and f"{named}: chain broken" in output

    ok, output = _tampered(*_copy_row(history_model, newest))
    assert not ok and f"{named}: row altered" in output

    pk_column = history_model._meta.get_field(
        history_model.instance_type._meta.pk.attname
    ).column
    ok, output = _tampered(f"DELETE FROM {table} WHERE {pk_column} = %s", [record_id])
    assert not ok and f"{named}: history missing" in output

    ok, output = _verify()
    assert ok, output  # every tampering above was undone


def test_a_head_wound_back_to_an_earlier_row_is_caught(every_history: None) -> None:
    # The head's seal is keyed: deleting the newest row and pointing the head
    # at the row before it needs the key too.
    history_model = BoardMember.history.model
    model, record_id, history_ids = _target(history_model)
    earlier = history_model._default_manager.get(history_id=history_ids[-2]).entry_hash
    _sql(
        f"DELETE FROM {history_model._meta.db_table} WHERE history_id = %s",
        [history_ids[-1]],
    )
    _sql(
        "UPDATE workflow_audithead SET head = %s WHERE history_model = %s AND record_id = %s",
        [earlier, history_model._meta.label, str(record_id)],
    )
    ok, output = _verify()
    assert not ok
    assert f"{model} #{record_id}: audit head altered" in output


def test_an_unchained_history_table_fails_verification_and_the_checks(
    monkeypatch: pytest.MonkeyPatch, every_history: None
) -> None:
    class HistoricalScratch(HistoricalChanges):
        _meta = SimpleNamespace(label="tests.HistoricalScratch")

    real = apps.get_models
    monkeypatch.setattr(apps, "get_models", lambda: [*real(), HistoricalScratch])
    assert [e.id for e in audit.history_chained_check()] == ["workflow.E001"]
    assert "tests.HistoricalScratch: history table is not chained" in map(
        str, audit.verify_all()
    )


# --- the verifier's own reading of rows hashes as entry_hash does ------------

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
KEYS = ["k", "kunci-audit-é🔑", "x" * 64, "y" * 65, "z" * 200]  # around a block
MOMENTS = [
    dt.datetime(2024, 7, 1, 8, 30, 15, tzinfo=dt.UTC),  # no microseconds
    dt.datetime(2024, 7, 1, 8, 30, 15, 1, tzinfo=dt.UTC),
    dt.datetime(2024, 7, 1, 8, 30, 15, 500000, tzinfo=dt.UTC),
    dt.datetime(2024, 1, 1, 6, 59, 59, 999999, tzinfo=JAKARTA),  # the day before
    dt.datetime(2024, 1, 1, 7, tzinfo=JAKARTA),  # midnight UTC
    dt.datetime(5, 3, 1, 10, 0, 0, 1, tzinfo=dt.UTC),  # a year of one digit
    dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
]


def _hashes_as_verified(history_model: type[Any]) -> list[tuple[str, str]]:
    """Each row's hash as the verifier computes it from the row as it reads
    it, beside ``entry_hash`` of the same row read by ``values()``."""
    rows = {r["history_id"]: r for r in history_model._default_manager.values()}
    hasher, read = history_rows(history_model)
    return [(hasher(row), entry_hash(history_model, rows[row[-2]])) for row in read]


def test_the_verifier_hashes_every_row_as_entry_hash_does(
    every_history: None, settings: Any
) -> None:
    for key in [settings.AUDIT_HASH_KEY, *KEYS]:
        settings.AUDIT_HASH_KEY = key
        for history_model in audited_history_models():
            hashes = _hashes_as_verified(history_model)
            assert len(hashes) >= MIN_ROWS
            assert all(fast == general for fast, general in hashes), (key, hashes)


def test_the_verifier_reads_every_datetime_as_entry_hash_does(
    every_history: None,
) -> None:
    for moment in MOMENTS:
        for history_model in audited_history_models():
            # behind the app's back: the stored hashes no longer match
            _sql(
                f"UPDATE {history_model._meta.db_table} SET history_date = %s",
                [moment],
            )
            hashes = _hashes_as_verified(history_model)
            assert hashes
            assert all(fast == general for fast, general in hashes), (moment, hashes)


def test_it_catches_a_datetime_moved_by_one_microsecond(audited: Registration) -> None:
    history_id = _history_ids(audited)[1]
    row = audited.history.get(history_id=history_id)
    ok, output = _tampered(
        f"UPDATE {TABLE} SET history_date = %s WHERE history_id = %s",
        [row.history_date + dt.timedelta(microseconds=1), history_id],
    )
    assert not ok
    named = f"cases.Registration #{audited.pk}"
    assert f"{named}: row altered (history row {history_id})" in output
