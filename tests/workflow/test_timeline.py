"""The timeline: codes stored, labels read in the reader's language, and the
office's task moves kept from the LKS operator."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from viewflow.workflow.models import Task

from cases.models import Lks, Registration
from cases.selectors import lks_timeline, registration_timeline
from cases.services.portal import (
    board_member_add,
    board_member_remove,
    board_member_update,
    lks_profile_update,
)
from cases.services.registration import registration_approve, registration_receive
from cases.timeline import ACTIONS
from tests.conftest import World
from workflow.nodes import human_task_claim, human_task_release
from workflow.registry import open_task, process_start
from workflow.services import transition_run
from workflow.timeline import TimelineEntry, timeline_actions

CASE_CODES = [code for actions in ACTIONS.values() for code in actions]


def _submitted(world: World, registration: Registration) -> Registration:
    return transition_run(
        actor=world.operator_bogor,
        record=registration,
        transition="submit",
        reason="Berkas lengkap",
    )


def _task_claimed_and_released(world: World, registration: Registration) -> None:
    process_start(record=registration)
    task = open_task(record=registration, step="verify")
    assert task is not None
    human_task_claim(actor=world.verifier_bogor, task=task)
    human_task_release(actor=world.verifier_bogor, task=Task.objects.get(pk=task.pk))


def _page(timeline: list[TimelineEntry]) -> str:
    return render_to_string("cases/_timeline.html", {"timeline": timeline})


def test_an_unknown_code_reads_as_a_generic_change_never_as_itself() -> None:
    assert timeline_actions.label("no_such_code") == "Perubahan data"
    with translation.override("en"):
        assert timeline_actions.label("no_such_code") == "Data changed"


def test_codes_are_labelled_per_model() -> None:
    assert timeline_actions.label("submit", model=Registration) == "Berkas diajukan"
    # Another process may use the same transition name for its own record.
    assert timeline_actions.label("submit", model=Lks) == "Perubahan data"


def test_the_case_timeline_is_labelled_in_the_readers_language(
    world: World, registration: Registration
) -> None:
    _submitted(world, registration)

    entries = registration_timeline(registrations=[registration])

    assert [e.action for e in entries] == ["registration_create", "submit"]
    assert [e.label for e in entries] == [
        "Berkas pendaftaran dibuat",
        "Berkas diajukan",
    ]
    assert (entries[1].source, entries[1].target) == ("Draf", "Diajukan")
    assert entries[1].actor == str(world.operator_bogor)
    assert entries[1].reason == "Berkas lengkap"
    with translation.override("en"):
        english = registration_timeline(registrations=[registration])
        assert [e.label for e in english] == ["Case opened", "File submitted"]
        assert (english[1].source, english[1].target) == ("Draft", "Submitted")


def test_no_action_code_reaches_the_page(
    world: World, registration: Registration
) -> None:
    record = _submitted(world, registration)
    record = registration_receive(actor=world.verifier_bogor, registration=record)
    _task_claimed_and_released(world, record)

    codes = [*CASE_CODES, "task_claim", "task_release", "created", "changed"]
    with translation.override("en"):
        english = _page(registration_timeline(registrations=[registration]))
    # English labels may hold a code as a plain word ("Data changed").
    assert not [code for code in codes if "_" in code and code in english]
    assert "File received for verification" in english
    page = _page(registration_timeline(registrations=[registration]))
    assert not [code for code in codes if re.search(rf"\b{code}\b", page)]
    assert "Berkas diterima untuk verifikasi" in page
    assert f"oleh {world.verifier_bogor}" in page
    assert "Berkas lengkap" in page


def test_the_services_write_no_prose_as_the_reason(
    world: World, registration: Registration
) -> None:
    record = _submitted(world, registration)
    record = registration_receive(actor=world.verifier_bogor, registration=record)
    record = transition_run(
        actor=world.verifier_bogor, record=record, transition="verify"
    )
    registration_approve(actor=world.kadis_bogor, registration=record)

    rows = registration.history.order_by("history_id")
    reasons = {row.transition: row.history_change_reason for row in rows}
    assert reasons["registration_create"] == ""
    assert reasons["start_verification"] == ""
    assert reasons["approve"] == ""


def test_the_operator_sees_no_task_moves_and_the_office_does(
    world: World, registration: Registration
) -> None:
    record = _submitted(world, registration)
    _task_claimed_and_released(world, record)

    staff = registration_timeline(registrations=[registration])
    operator = registration_timeline(
        registrations=[registration], include_internal=False
    )

    moves = [e for e in staff if e.internal]
    assert [e.label for e in moves] == ["Tugas diambil", "Tugas dilepas ke antrean"]
    verifier = str(world.verifier_bogor)
    assert (moves[0].source, moves[0].target) == ("Antrean", verifier)
    assert (moves[1].source, moves[1].target) == (verifier, "Antrean")
    assert moves[0].subject == "Tugas: Verifikasi pendaftaran"
    assert operator == [e for e in staff if not e.internal]
    page = _page(operator)
    assert "Tugas" not in page and "Antrean" not in page
    assert f"Antrean → {verifier}" in _page(staff)


def test_the_lks_timeline_shows_profile_and_board_changes(
    world: World, registration: Registration
) -> None:
    lks = world.lks_bogor
    operator = world.operator_bogor
    lks_profile_update(actor=operator, lks=lks, phone="0251-222222")
    member = board_member_add(actor=operator, lks=lks, name="Budi", position="anggota")
    member = board_member_update(
        actor=operator, member=member, name="Budi Santoso", position="anggota"
    )
    board_member_remove(actor=operator, member=member)

    entries = lks_timeline(lks=lks, registrations=[registration])

    mine = [(e.label, e.subject) for e in entries if e.actor == str(operator)]
    assert mine == [
        ("Berkas pendaftaran dibuat", "Berkas pendaftaran"),
        ("Profil LKS diubah", "Profil LKS"),
        ("Pengurus ditambahkan", "Pengurus: Budi"),
        ("Data pengurus diubah", "Pengurus: Budi Santoso"),
        ("Pengurus dihapus", "Pengurus: Budi Santoso"),
    ]


def test_a_code_once_written_as_the_reason_reads_as_the_action(
    world: World,
) -> None:
    # Rows written before codes moved to the transition column.
    lks = Lks.objects.get(pk=world.lks_bogor.pk)
    lks.phone = "0251-333333"
    lks._change_reason = "lks_profile_update"  # type: ignore[attr-defined]
    lks.save()

    entries = lks_timeline(lks=lks, registrations=[])

    assert (entries[-1].label, entries[-1].reason) == ("Profil LKS diubah", "")


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_empty_timeline_says_so(language: str) -> None:
    with translation.override(language):
        page = _page([])
    expected = {"id": "Belum ada riwayat.", "en": "No history yet."}[language]
    assert expected in page
