"""verify_audit catches any history row changed behind the app's back."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cases.models import Registration
from tests.conftest import World
from workflow.audit import AuditImmutableError
from workflow.services import transition_run

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
