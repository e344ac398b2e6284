"""The national required-document checklist (Permensos 184/2011, as used by offices).

Offices may add their own list (DocumentType rows with their office); this one
applies wherever an office has none.
"""

from django.db import migrations

# (code, name, first registration, renewal, legal entity only, no legal entity only)
CHECKLIST = [
    ("surat_permohonan", "Surat permohonan kepada Kepala Dinas Sosial", True, True, False, False),
    ("ad_art", "Anggaran Dasar dan Anggaran Rumah Tangga (AD/ART)", True, True, False, False),
    ("domisili", "Surat keterangan domisili dari lurah/kepala desa", True, True, False, False),
    ("struktur_organisasi", "Struktur organisasi", True, True, False, False),
    ("daftar_pengurus", "Daftar nama, alamat dan nomor telepon pengurus", True, True, False, False),
    ("program_kerja", "Program kerja", True, True, False, False),
    ("modal_kerja", "Keterangan modal kerja dan sumber dana", True, True, False, False),
    ("daftar_sdm", "Daftar pegawai dan pekerja sosial", True, True, False, False),
    ("sarana_prasarana", "Keterangan sarana dan prasarana", True, True, False, False),
    ("akta_notaris", "Akta notaris pendirian", True, True, True, False),
    ("sk_kemenkumham", "SK pengesahan badan hukum dari Kemenkumham", True, True, True, False),
    ("npwp", "NPWP lembaga", True, True, True, False),
    ("nota_pendirian", "Nota pendirian yang dilegalisasi lurah/camat", True, True, False, True),
    ("laporan_kegiatan", "Laporan kegiatan tahun terakhir", False, True, False, False),
    ("tanda_registrasi_lama", "Tanda Registrasi sebelumnya", False, True, False, False),
]


def load(apps, schema_editor):
    DocumentType = apps.get_model("cases", "DocumentType")
    for position, (code, name, first, renewal, legal, no_legal) in enumerate(CHECKLIST):
        DocumentType.objects.update_or_create(
            office=None,
            code=code,
            defaults={
                "name": name,
                "for_first_registration": first,
                "for_renewal": renewal,
                "legal_entity_only": legal,
                "no_legal_entity_only": no_legal,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [('cases', '0003_lks_profile_documents_certificates')]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
