"""Issuing, expiring and renewing the Tanda Registrasi, through the services."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from cases.models import (
    Lks,
    OfficePolicy,
    Registration,
    RegistrationCertificate,
)
from cases.selectors_certificates import certificate_current, lks_standing
from cases.services.certificates import (
    SYSTEM_USERNAME,
    certificate_expire_due,
    certificate_issue,
    renewal_open,
    years_later,
)
from cases.services.registration import registration_create
from tests.conftest import World
from tests.factories import LksFactory, UserFactory
from tests.workflow.pdf_samples import page_text
from workflow.audit import verify_all
from workflow.exceptions import (
    InvalidInput,
    NotPermitted,
    StaleRecord,
    TransitionNotAllowed,
    WorkflowError,
)
from workflow.issuance.models import NumberSeries, SigningKey
from workflow.issuance.numbering import ROMAN_MONTHS
from workflow.issuance.signing import verify_pdf
from workflow.issuance.verification import verification_url
from workflow.models import Organisation, Role, User
from workflow.services import membership_grant, object_permission_grant, transition_run

State = RegistrationCertificate.State
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# --- helpers shared with the other certificate tests -------------------------


def approve(world: World, registration: Registration) -> Registration:
    """Walk a draft case to ``approved`` through the transition service."""
    steps: list[tuple[User, str, dict[str, str] | None]] = [
        (world.operator_bogor, "submit", None),
        (world.verifier_bogor, "start_verification", {"receipt_number": "R-0001"}),
        (world.verifier_bogor, "verify", None),
        (world.kadis_bogor, "approve", None),
    ]
    record = registration
    for actor, name, data in steps:
        if name == "submit":
            actor = _operator_of(world, record.lks)
        record = transition_run(actor=actor, record=record, transition=name, data=data)
    return record


def _operator_of(world: World, lks: Lks) -> User:
    if lks.pk == world.lks_bogor_other.pk:
        return world.operator_other_lks
    if lks.pk == world.lks_bogor.pk:
        return world.operator_bogor
    return User.objects.get(username=f"operator_{lks.pk}")


def new_case(world: World, lks: Lks | None = None) -> Registration:
    """A draft first registration of ``lks`` (a new Bogor LKS by default)."""
    if lks is None:
        lks = LksFactory.create()
        operator = UserFactory.create(username=f"operator_{lks.pk}")
        membership_grant(
            actor=world.root,
            user=operator,
            organisation=lks.organisation,
            role=Role.OPERATOR,
        )
    operator = _operator_of(world, lks)
    return registration_create(actor=operator, lks=lks, kind=Registration.Kind.FIRST)


def issue(world: World, registration: Registration) -> RegistrationCertificate:
    return certificate_issue(
        actor=world.kadis_bogor, registration=approve(world, registration)
    )


def pdf_bytes(certificate: RegistrationCertificate) -> bytes:
    with certificate.pdf.open("rb") as stored:
        return stored.read()


def office_pem(certificate: RegistrationCertificate) -> bytes:
    return bytes(
        SigningKey.objects.get(organisation=certificate.office).certificate_pem
    )


def td_lks_series(office: Organisation) -> NumberSeries:
    return NumberSeries.objects.get(organisation=office, kind="TD-LKS")


def expected_number(sequence: int, day: dt.date) -> str:
    return f"{sequence:04d}/TD-LKS/32.01/{ROMAN_MONTHS[day.month - 1]}/{day.year}"


# --- issuing -----------------------------------------------------------------


def test_it_issues_a_numbered_certificate_and_records_the_signer(
    world: World, registration: Registration
) -> None:
    certificate = issue(world, registration)

    today = timezone.localdate()
    fresh = RegistrationCertificate.objects.get(pk=certificate.pk)
    assert fresh.number == expected_number(1, today)
    assert (fresh.year, fresh.sequence, fresh.issued_on) == (today.year, 1, today)
    assert fresh.state == State.ACTIVE
    assert fresh.lks == world.lks_bogor and fresh.office == world.dinsos_bogor
    assert len(fresh.token) >= 43
    assert Registration.objects.get(pk=registration.pk).state == (
        Registration.State.CERTIFICATE_ISSUED
    )
    entries = registration.history.filter(transition="issue_certificate")
    assert [e.history_user for e in entries] == [world.kadis_bogor]
    created = fresh.history.get()
    assert created.history_user == world.kadis_bogor
    assert (created.transition, created.target_state) == ("issue", State.ACTIVE)


def test_it_is_valid_three_years_by_default(
    world: World, registration: Registration
) -> None:
    certificate = issue(world, registration)

    assert certificate.valid_until == years_later(certificate.issued_on, years=3)


def test_it_takes_the_validity_and_signer_from_the_office_policy(
    world: World, registration: Registration
) -> None:
    OfficePolicy.objects.create(
        office=world.dinsos_bogor,
        certificate_validity_years=5,
        signer_name="Drs. H. Ahmad Fauzi, M.Si.",
        signer_nip="197001011995031001",
    )

    certificate = issue(world, registration)

    assert certificate.valid_until == years_later(certificate.issued_on, years=5)
    assert certificate.signer_name == "Drs. H. Ahmad Fauzi, M.Si."
    assert certificate.signer_nip == "197001011995031001"
    assert certificate.signer_title == "Kepala Dinas Sosial"


def test_29_february_plus_years_falls_on_28_february() -> None:
    assert years_later(dt.date(2028, 2, 29), years=3) == dt.date(2031, 2, 28)
    assert years_later(dt.date(2028, 2, 29), years=4) == dt.date(2032, 2, 29)
    assert years_later(dt.date(2026, 5, 12), years=3) == dt.date(2029, 5, 12)


def test_its_pdf_is_signed_by_the_office_and_links_to_the_public_page(
    world: World, registration: Registration
) -> None:
    certificate = issue(world, registration)
    pdf = pdf_bytes(certificate)

    result = verify_pdf(pdf, trusted_certificate_pem=office_pem(certificate))

    assert result.valid is True
    assert result.signer_name == "Dinas Sosial Kabupaten Bogor"
    text = page_text(pdf)
    assert verification_url(token=certificate.token) in text
    assert f"/verifikasi/{certificate.token}/" in text
    assert f"Nomor: {certificate.number}" in text
    assert "Panti Asuhan Kasih Bogor" in text
    assert hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256


def test_its_pdf_prints_the_region_address_deed_npwp_and_signer_by_name(
    world: World, registration: Registration
) -> None:
    OfficePolicy.objects.create(
        office=world.dinsos_bogor,
        signer_name="Drs. H. Ahmad Fauzi, M.Si.",
        signer_nip="197001011995031001",
        signer_title="Kepala Dinas Sosial Kabupaten Bogor",
    )

    text = page_text(pdf_bytes(issue(world, registration)))

    lines = text.splitlines()
    # The factory's LKS: Kel. Pondok Rajeg (32.01.01.1001), Kec. Cibinong,
    # deed of 2 March 2015, NPWP 012345678403000.
    assert "32.01 Kabupaten Bogor, Jawa Barat" in lines
    assert "Jl. Raya Cibinong No. 10" in lines
    assert "Kelurahan Pondok Rajeg, Kecamatan Cibinong" in lines
    assert "Kabupaten Bogor" in lines
    assert "Tanggal Akta Pendirian" in lines and "2 Maret 2015" in lines
    assert "01.234.567.8-403.000" in lines
    assert "012345678403000" not in text
    assert "NIP. 197001011995031001" in lines
    assert "Drs. H. Ahmad Fauzi, M.Si." in lines
    assert "Kepala Dinas Sosial Kabupaten Bogor," in lines


def test_a_profile_without_place_codes_or_deed_date_still_prints(
    world: World,
) -> None:
    case = new_case(world)
    Lks.objects.filter(pk=case.lks_id).update(
        kecamatan_code="", desa_code="", deed_date=None, npwp="", address=""
    )

    text = page_text(pdf_bytes(issue(world, Registration.objects.get(pk=case.pk))))

    lines = text.splitlines()
    assert "Alamat" in lines and "Kabupaten Bogor" in lines
    assert "Kecamatan" not in text
    assert lines[lines.index("Tanggal Akta Pendirian") + 2] == "-"
    assert lines[lines.index("NPWP") + 2] == "-"


def test_numbers_run_without_gaps_and_a_failed_issue_gives_its_number_back(
    world: World, registration: Registration
) -> None:
    first = issue(world, registration)
    failing = approve(world, new_case(world, world.lks_bogor_other))
    Lks.objects.filter(pk=world.lks_bogor_other.pk).update(
        service_types=[f"Layanan {i}" for i in range(60)]  # cannot fit one page
    )
    failing = Registration.objects.select_related("lks").get(pk=failing.pk)

    with pytest.raises(InvalidInput):
        certificate_issue(actor=world.kadis_bogor, registration=failing)

    assert Registration.objects.get(pk=failing.pk).state == Registration.State.APPROVED
    second = issue(world, new_case(world))
    third = issue(world, new_case(world))
    today = timezone.localdate()
    assert [c.number for c in (first, second, third)] == [
        expected_number(n, today) for n in (1, 2, 3)
    ]
    sequence = td_lks_series(world.dinsos_bogor)
    assert (sequence.year, sequence.last_value) == (today.year, 3)


def test_a_double_click_issues_exactly_one_certificate(
    world: World, registration: Registration
) -> None:
    approved = approve(world, registration)
    certificate_issue(actor=world.kadis_bogor, registration=approved)

    with pytest.raises(StaleRecord):
        certificate_issue(actor=world.kadis_bogor, registration=approved)
    with pytest.raises(TransitionNotAllowed):
        certificate_issue(
            actor=world.kadis_bogor,
            registration=Registration.objects.get(pk=registration.pk),
        )

    assert RegistrationCertificate.objects.count() == 1
    assert registration.history.filter(transition="issue_certificate").count() == 1
    assert td_lks_series(world.dinsos_bogor).last_value == 1


@pytest.mark.parametrize("persona", ["verifier_bogor", "verifier_bantul", "outsider"])
def test_it_refuses_who_may_not_sign_and_writes_nothing(
    world: World, registration: Registration, persona: str
) -> None:
    approved = approve(world, registration)

    with pytest.raises(NotPermitted):
        certificate_issue(actor=getattr(world, persona), registration=approved)

    assert Registration.objects.get(pk=registration.pk).state == (
        Registration.State.APPROVED
    )
    assert not RegistrationCertificate.objects.exists()
    assert not NumberSeries.objects.exists()


def test_it_refuses_a_case_that_is_not_approved(
    world: World, registration: Registration
) -> None:
    with pytest.raises(TransitionNotAllowed):
        certificate_issue(actor=world.kadis_bogor, registration=registration)

    assert not RegistrationCertificate.objects.exists()


# --- standing and expiry -----------------------------------------------------


def test_the_lks_is_registered_until_the_last_valid_day(
    world: World, registration: Registration
) -> None:
    certificate = issue(world, registration)

    on_last_day = lks_standing(lks=world.lks_bogor, today=certificate.valid_until)
    day_after = certificate.valid_until + dt.timedelta(days=1)
    after = lks_standing(lks=world.lks_bogor, today=day_after)

    assert on_last_day.registered is True and on_last_day.state == State.ACTIVE
    # Still "active" in the database: the job has not run, the display is right.
    assert after.registered is False and after.state == State.EXPIRED
    assert after.certificate == certificate
    assert lks_standing(lks=world.lks_bogor_other, today=day_after).registered is False


def test_the_system_job_expires_certificates_past_their_date(
    world: World, registration: Registration
) -> None:
    certificate = issue(world, registration)

    assert certificate_expire_due(today=certificate.valid_until) == 0
    assert certificate_expire_due(today=certificate.valid_until.replace(day=1)) == 0
    day_after = certificate.valid_until + dt.timedelta(days=1)
    assert certificate_expire_due(today=day_after) == 1
    assert certificate_expire_due(today=day_after) == 0

    fresh = RegistrationCertificate.objects.get(pk=certificate.pk)
    assert fresh.state == State.EXPIRED
    entry = fresh.history.get(transition="expire")
    assert entry.history_user.username == SYSTEM_USERNAME
    assert entry.history_user.has_usable_password() is False
    assert verify_all() == []


def test_the_expiry_command_runs_the_job(
    world: World, registration: Registration
) -> None:
    certificate = issue(world, registration)
    out = io.StringIO()

    day_after = certificate.valid_until + dt.timedelta(days=1)
    call_command("expire_certificates", today=day_after.isoformat(), stdout=out)

    assert "1" in out.getvalue()
    fresh = RegistrationCertificate.objects.get(pk=certificate.pk)
    assert fresh.state == State.EXPIRED


def test_the_job_leaves_suspended_certificates_alone(
    world: World, registration: Registration
) -> None:
    certificate = issue(world, registration)
    transition_run(
        actor=world.kadis_bogor,
        record=certificate,
        transition="suspend",
        reason="Temuan kritis monev",
    )

    day_after = certificate.valid_until + dt.timedelta(days=1)
    assert certificate_expire_due(today=day_after) == 0
    fresh = RegistrationCertificate.objects.get(pk=certificate.pk)
    assert fresh.state == State.SUSPENDED


# --- renewal -------------------------------------------------------------------


def _operate(world: World, lks: Lks) -> None:
    # Made by lks_register in the app; granted by hand here.
    object_permission_grant(
        obj=lks,
        organisation=lks.organisation,
        role=Role.OPERATOR,
        perms=["cases.operate_lks"],
    )


def test_renewal_is_refused_before_its_window_opens(
    world: World, registration: Registration
) -> None:
    certificate = issue(world, registration)
    _operate(world, world.lks_bogor)
    day_before = certificate.valid_until - dt.timedelta(days=91)

    with pytest.raises(InvalidInput):
        renewal_open(actor=world.operator_bogor, lks=world.lks_bogor, today=day_before)

    assert not Registration.objects.filter(kind=Registration.Kind.RENEWAL).exists()


def test_renewal_opens_90_days_before_expiry_once(
    world: World, registration: Registration
) -> None:
    certificate = issue(world, registration)
    _operate(world, world.lks_bogor)
    opens_on = certificate.valid_until - dt.timedelta(days=90)

    renewal = renewal_open(
        actor=world.operator_bogor, lks=world.lks_bogor, today=opens_on
    )

    fresh = Registration.objects.get(pk=renewal.pk)
    assert fresh.kind == Registration.Kind.RENEWAL
    assert fresh.previous_certificate == certificate
    assert fresh.state == Registration.State.DRAFT
    with pytest.raises(InvalidInput):
        renewal_open(actor=world.operator_bogor, lks=world.lks_bogor, today=opens_on)
    assert Registration.objects.filter(kind=Registration.Kind.RENEWAL).count() == 1


def test_renewal_window_follows_the_office_policy(
    world: World, registration: Registration
) -> None:
    OfficePolicy.objects.create(office=world.dinsos_bogor, renewal_window_days=30)
    certificate = issue(world, registration)
    _operate(world, world.lks_bogor)

    with pytest.raises(InvalidInput):
        renewal_open(
            actor=world.operator_bogor,
            lks=world.lks_bogor,
            today=certificate.valid_until - dt.timedelta(days=31),
        )
    renewal_open(
        actor=world.operator_bogor,
        lks=world.lks_bogor,
        today=certificate.valid_until - dt.timedelta(days=30),
    )


def test_an_expired_certificate_can_be_renewed(
    world: World, registration: Registration
) -> None:
    certificate = issue(world, registration)
    _operate(world, world.lks_bogor)
    day_after = certificate.valid_until + dt.timedelta(days=1)
    certificate_expire_due(today=day_after)

    renewal = renewal_open(
        actor=world.operator_bogor, lks=world.lks_bogor, today=day_after
    )

    assert renewal.previous_certificate == certificate


@pytest.mark.parametrize("persona", ["operator_other_lks", "verifier_bogor"])
def test_renewal_is_refused_to_who_does_not_operate_the_lks(
    world: World, registration: Registration, persona: str
) -> None:
    certificate = issue(world, registration)
    _operate(world, world.lks_bogor)
    _operate(world, world.lks_bogor_other)

    with pytest.raises(NotPermitted):
        renewal_open(
            actor=getattr(world, persona),
            lks=world.lks_bogor,
            today=certificate.valid_until,
        )
    assert not Registration.objects.filter(kind=Registration.Kind.RENEWAL).exists()


def test_renewal_is_refused_without_a_certificate_or_when_revoked(
    world: World, registration: Registration
) -> None:
    _operate(world, world.lks_bogor)
    with pytest.raises(InvalidInput):
        renewal_open(actor=world.operator_bogor, lks=world.lks_bogor)

    certificate = issue(world, registration)
    transition_run(
        actor=world.kadis_bogor,
        record=certificate,
        transition="revoke",
        reason="Pencabutan",
    )
    with pytest.raises(InvalidInput):
        renewal_open(
            actor=world.operator_bogor,
            lks=world.lks_bogor,
            today=certificate.valid_until,
        )


def test_issuing_the_renewal_supersedes_the_old_certificate(
    world: World, registration: Registration
) -> None:
    old = issue(world, registration)
    _operate(world, world.lks_bogor)
    renewal = renewal_open(
        actor=world.operator_bogor, lks=world.lks_bogor, today=old.valid_until
    )

    new = issue(world, renewal)

    old_fresh = RegistrationCertificate.objects.get(pk=old.pk)
    assert old_fresh.state == State.SUPERSEDED
    assert new.supersedes == old_fresh
    assert new.sequence == old.sequence + 1
    entry = old_fresh.history.get(transition="supersede")
    assert entry.history_user == world.kadis_bogor
    assert certificate_current(lks=world.lks_bogor) == new
    standing = lks_standing(lks=world.lks_bogor, today=timezone.localdate())
    assert standing.registered is True and standing.certificate == new
    assert verify_all() == []


# --- PostgreSQL: signing at the same time --------------------------------------


def _run_together(*calls: Any) -> list[object]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = calls[index]()
        except WorkflowError as exc:
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_signers_at_once_issue_one_certificate(world: World) -> None:
    approved = approve(world, new_case(world, world.lks_bogor))
    copies = [Registration.objects.get(pk=approved.pk) for _ in range(2)]

    outcomes = _run_together(
        *[
            (lambda c=c: certificate_issue(actor=world.kadis_bogor, registration=c))
            for c in copies
        ]
    )

    winners = [o for o in outcomes if isinstance(o, RegistrationCertificate)]
    losers = [o for o in outcomes if isinstance(o, StaleRecord | TransitionNotAllowed)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert RegistrationCertificate.objects.count() == 1
    assert td_lks_series(world.dinsos_bogor).last_value == 1
    assert winners[0].number == expected_number(1, timezone.localdate())


@pytest.mark.postgres
@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_cases_signed_at_once_get_consecutive_numbers(world: World) -> None:
    cases = [
        approve(world, new_case(world, world.lks_bogor)),
        approve(world, new_case(world, world.lks_bogor_other)),
    ]

    outcomes = _run_together(
        *[
            (lambda c=c: certificate_issue(actor=world.kadis_bogor, registration=c))
            for c in cases
        ]
    )

    assert all(isinstance(o, RegistrationCertificate) for o in outcomes), outcomes
    numbers = sorted(RegistrationCertificate.objects.values_list("sequence", flat=True))
    assert numbers == [1, 2]
    assert td_lks_series(world.dinsos_bogor).last_value == 2
    assert SigningKey.objects.count() == 1
