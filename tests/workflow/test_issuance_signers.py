"""The signer of each issuing organisation and its key, encrypted at rest."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World
from tests.workflow.pdf_samples import SAMPLE
from tests.workflow.second_kind import balks_office
from workflow.issuance.models import SigningKey
from workflow.issuance.pdf import render_pdf
from workflow.issuance.signers import organisation_signer, organisation_trust_pem
from workflow.issuance.signing import CertificateSigner, verify_pdf
from workflow.models import Organisation


@pytest.fixture
def balks(db: None) -> Organisation:
    return balks_office()


def test_the_key_is_made_once_and_stored_encrypted(world: World) -> None:
    first = organisation_signer(organisation=world.dinsos_bogor)
    second = organisation_signer(organisation=world.dinsos_bogor)

    stored = SigningKey.objects.get(organisation=world.dinsos_bogor)
    assert b"ENCRYPTED PRIVATE KEY" in bytes(stored.private_key_pem)
    assert (
        first.certificate_pem == second.certificate_pem == bytes(stored.certificate_pem)
    )
    assert isinstance(first, CertificateSigner)
    assert "CN=Dinas Sosial Kabupaten Bogor" in first.signer_subject


def test_the_key_opens_only_with_its_passphrase(world: World, settings: Any) -> None:
    settings.PILAR_SIGNING_KEY_PASSPHRASE = "frasa-sandi-kantor"
    organisation_signer(organisation=world.dinsos_bogor)
    settings.PILAR_SIGNING_KEY_PASSPHRASE = "frasa-lain"

    with pytest.raises(ValueError):
        organisation_signer(organisation=world.dinsos_bogor)


def test_each_organisation_signs_with_its_own_key(
    world: World, balks: Organisation
) -> None:
    pdf = organisation_signer(organisation=balks).sign_pdf(
        render_pdf(SAMPLE), field_name="TandaTangan", reason="Uji", location="Bandung"
    )
    organisation_signer(organisation=world.dinsos_bogor)

    own = organisation_trust_pem(organisation_id=balks.pk)
    other = organisation_trust_pem(organisation_id=world.dinsos_bogor.pk)
    assert own is not None and other is not None
    assert verify_pdf(pdf, trusted_certificate_pem=own).valid is True
    assert verify_pdf(pdf, trusted_certificate_pem=other).reason == "untrusted"
    assert organisation_trust_pem(organisation_id=world.dinsos_bantul.pk) is None
