"""A second kind of issued document, as accreditation will register one.

Its documents live in memory: the engine must number, sign, show and check
them knowing nothing but what the kind tells it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction

from tests.factories import OrganisationFactory, region
from workflow.issuance import kinds
from workflow.issuance.kinds import IssuedDocument, IssuedKind
from workflow.issuance.numbering import number_take
from workflow.issuance.pdf import DocumentContent, Signatory, render_pdf
from workflow.issuance.signers import organisation_signer
from workflow.issuance.verification import sha256_hex, verification_url
from workflow.models import Organisation

CODE = "AKR-UJI"
FORMAT = "{seq:03d}/AKR/{region_code}/{year}"


@dataclass
class Accreditation:
    token: str
    number: str
    holder: str
    grade: str
    issuer: Organisation
    valid_until: dt.date
    pdf: bytes
    revoked: bool = False


STORE: dict[str, Accreditation] = {}


def _by_token(token: str) -> Accreditation | None:
    return STORE.get(token)


def _by_sha(sha256: str) -> Accreditation | None:
    return next((a for a in STORE.values() if sha256_hex(a.pdf) == sha256), None)


def _describe(record: Accreditation, today: dt.date) -> IssuedDocument:
    state = "revoked" if record.revoked else "active"
    if state == "active" and today > record.valid_until:
        state = "expired"
    labels = {"active": "Terakreditasi", "expired": "Kedaluwarsa", "revoked": "Dicabut"}
    return IssuedDocument(
        key=record.token,
        issuer_id=record.issuer.pk,
        issuer_name=record.issuer.name,
        holder_name=record.holder,
        number=record.number,
        state=state,
        state_label=labels[state],
        in_force=state == "active",
        valid_until=record.valid_until,
        pdf_sha256=sha256_hex(record.pdf),
        read_pdf=lambda: record.pdf,
    )


KIND = IssuedKind(
    code=CODE,
    label="Sertifikat Akreditasi",
    holder_label="Nama lembaga",
    number_format=FORMAT,
    by_token=_by_token,
    by_pdf_sha256=_by_sha,
    describe=_describe,
)


def register_second_kind(monkeypatch: pytest.MonkeyPatch) -> Iterator[IssuedKind]:
    """For a fixture: the kind is registered for one test, its store emptied."""
    monkeypatch.setitem(kinds.REGISTRY, CODE, KIND)
    STORE.clear()
    yield KIND
    STORE.clear()


def balks_office() -> Organisation:
    return OrganisationFactory.create(
        name="BALKS Provinsi Jawa Barat",
        kind=Organisation.Kind.BALKS,
        region=region("32"),
    )


def content(*, number: str, token: str, holder: str, grade: str) -> DocumentContent:
    return DocumentContent(
        title="SERTIFIKAT AKREDITASI LEMBAGA KESEJAHTERAAN SOSIAL",
        intro="Dengan ini menyatakan bahwa lembaga berikut terakreditasi:",
        rows=[("Nama Lembaga", [holder]), ("Peringkat", [grade])],
        number=number,
        issuer_name="BALKS Provinsi Jawa Barat",
        holder_name=holder,
        issued_on=dt.date(2026, 5, 12),
        signatory=Signatory(title="Ketua BALKS", name="Dr. Rina", nip="-"),
        verification_url=verification_url(token=token),
    )


def accredit(
    issuer: Organisation, *, holder: str = "Panti Asuhan Kasih", grade: str = "A"
) -> Accreditation:
    """Issue one accreditation certificate the way an app would."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        _sequence, number = number_take(
            organisation=issuer, kind=CODE, issued_on=dt.date(2026, 5, 12)
        )
        unsigned = render_pdf(
            content(number=number, token=token, holder=holder, grade=grade)
        )
        pdf = organisation_signer(organisation=issuer).sign_pdf(
            unsigned, field_name="TandaTanganBalks", reason="Akreditasi", location="X"
        )
    record = Accreditation(
        token=token,
        number=number,
        holder=holder,
        grade=grade,
        issuer=issuer,
        valid_until=dt.date(2031, 5, 12),
        pdf=pdf,
    )
    STORE[token] = record
    return record
