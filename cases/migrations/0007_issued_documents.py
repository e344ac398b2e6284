"""Number series and signing keys move to the engine (workflow.issuance).

Each office's Tanda Registrasi sequence becomes its ``TD-LKS`` number series,
and each office's signing key its organisation's key, bytes unchanged (the
keys stay encrypted with the same passphrase). Then the old tables go.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

KIND = "TD-LKS"


def copy_to_engine(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    CertificateSequence = apps.get_model("cases", "CertificateSequence")
    OfficeSigningKey = apps.get_model("cases", "OfficeSigningKey")
    NumberSeries = apps.get_model("workflow", "NumberSeries")
    SigningKey = apps.get_model("workflow", "SigningKey")
    NumberSeries.objects.bulk_create(
        NumberSeries(
            organisation_id=row.office_id,
            kind=KIND,
            year=row.year,
            last_value=row.last_value,
        )
        for row in CertificateSequence.objects.all()
    )
    for key in OfficeSigningKey.objects.all():
        SigningKey.objects.create(
            organisation_id=key.office_id,
            private_key_pem=key.private_key_pem,
            certificate_pem=key.certificate_pem,
        )
        # auto_now_add stamped the copy: keep when the key was really made.
        SigningKey.objects.filter(organisation_id=key.office_id).update(
            created_at=key.created_at
        )


def copy_back(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    CertificateSequence = apps.get_model("cases", "CertificateSequence")
    OfficeSigningKey = apps.get_model("cases", "OfficeSigningKey")
    NumberSeries = apps.get_model("workflow", "NumberSeries")
    SigningKey = apps.get_model("workflow", "SigningKey")
    CertificateSequence.objects.bulk_create(
        CertificateSequence(
            office_id=row.organisation_id, year=row.year, last_value=row.last_value
        )
        for row in NumberSeries.objects.filter(kind=KIND)
    )
    NumberSeries.objects.filter(kind=KIND).delete()
    for key in SigningKey.objects.all():
        OfficeSigningKey.objects.create(
            office_id=key.organisation_id,
            private_key_pem=key.private_key_pem,
            certificate_pem=key.certificate_pem,
        )
    SigningKey.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_certificate_pdf_hash_index"),
        ("workflow", "0005_issued_documents"),
    ]

    operations = [
        migrations.RunPython(copy_to_engine, copy_back),
        migrations.RemoveConstraint(
            model_name="certificatesequence",
            name="cases_certificatesequence_unique",
        ),
        migrations.RemoveField(
            model_name="certificatesequence",
            name="office",
        ),
        migrations.DeleteModel(
            name="OfficeSigningKey",
        ),
        migrations.DeleteModel(
            name="CertificateSequence",
        ),
    ]
