"""The move of number sequences and signing keys to the engine keeps them:
each office's sequence becomes its TD-LKS series, each key its signing key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0006_certificate_pdf_hash_index")]
AFTER = [("cases", "0007_issued_documents")]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.fixture
def before_the_move() -> Iterator[MigrationExecutor]:
    executor = migrate(BEFORE)
    yield executor
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(latest)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sequences_and_keys_are_copied_to_the_engine(
    before_the_move: MigrationExecutor,
) -> None:
    old = before_the_move.loader.project_state(BEFORE).apps
    Organisation = old.get_model("workflow", "Organisation")
    Region = old.get_model("workflow", "Region")
    bogor = Organisation.objects.create(
        name="Dinas Sosial Uji Migrasi",
        kind="dinsos_regency",
        region=Region.objects.get(code="32.01"),
    )
    Sequence = old.get_model("cases", "CertificateSequence")
    Sequence.objects.create(office=bogor, year=2025, last_value=41)
    Sequence.objects.create(office=bogor, year=2026, last_value=7)
    old.get_model("cases", "OfficeSigningKey").objects.create(
        office=bogor, private_key_pem=b"encrypted", certificate_pem=b"certificate"
    )

    after = migrate(AFTER).loader.project_state(AFTER).apps

    series = after.get_model("workflow", "NumberSeries").objects.filter(
        organisation_id=bogor.pk
    )
    assert sorted(series.values_list("kind", "year", "last_value")) == [
        ("TD-LKS", 2025, 41),
        ("TD-LKS", 2026, 7),
    ]
    key = after.get_model("workflow", "SigningKey").objects.get(
        organisation_id=bogor.pk
    )
    assert (bytes(key.private_key_pem), bytes(key.certificate_pem)) == (
        b"encrypted",
        b"certificate",
    )
    assert not {"cases_certificatesequence", "cases_officesigningkey"} & set(
        connection.introspection.table_names()
    )
