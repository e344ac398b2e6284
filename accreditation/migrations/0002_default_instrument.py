"""The default national instrument (DOMAIN.md section 5, [default]), published.

Six BALKS standards with equal weight, three indicators each scored 1 to 4,
and the grade thresholds A >= 86 (5 years), B >= 71 (3), C >= 56 (2). Every
row gets its history row, chained and sealed like any other write.
"""

from decimal import Decimal
from typing import Any

from django.db import migrations
from django.db.migrations.state import StateApps
from django.utils import timezone

from workflow.audit import chain_seal

ACTION = "instrument_load"

# Equal weights must add up to exactly 100 with two decimals: 100 / 6 is
# 16.666..., so four standards weigh 16.67 and two 16.66 (4 x 16.67 + 2 x 16.66
# = 100.00).
STANDARDS = [
    (
        "program",
        "Program pelayanan",
        "16.67",
        [
            "Rencana program pelayanan tertulis sesuai visi, misi dan tujuan LKS",
            "Program disusun berdasarkan asesmen kebutuhan penerima manfaat",
            "Program ditinjau dan diperbarui secara berkala",
        ],
    ),
    (
        "proses",
        "Proses pelayanan",
        "16.67",
        [
            "Prosedur penerimaan dan asesmen penerima manfaat terdokumentasi",
            "Rencana intervensi individual disusun bagi setiap penerima manfaat",
            "Terminasi dan rujukan dilaksanakan sesuai prosedur",
            "Catatan perkembangan penerima manfaat dipelihara",
        ],
    ),
    (
        "manajemen",
        "Manajemen organisasi",
        "16.67",
        [
            "Struktur organisasi dan uraian tugas tertulis",
            "Laporan keuangan disusun dan diaudit secara berkala",
            "Anggaran dasar dan legalitas lembaga masih berlaku",
        ],
    ),
    (
        "sdm",
        "Sumber daya manusia",
        "16.67",
        [
            "Tersedia pekerja sosial profesional atau tenaga kesejahteraan sosial",
            "Rasio pendamping terhadap penerima manfaat memadai",
            "Pengembangan kapasitas staf melalui pelatihan",
        ],
    ),
    (
        "sarpras",
        "Sarana dan prasarana",
        "16.66",
        [
            "Bangunan layak, aman dan mudah diakses",
            "Ruang pelayanan, konseling dan administrasi tersedia",
            "Sarana kebersihan, kesehatan dan keselamatan tersedia",
        ],
    ),
    (
        "hasil",
        "Hasil pelayanan",
        "16.66",
        [
            "Penerima manfaat mengalami perubahan keberfungsian sosial",
            "Kepuasan penerima manfaat diukur secara berkala",
            "Hasil pelayanan dilaporkan kepada Dinas Sosial",
        ],
    ),
]

LEVELS = {
    1: "Tidak terpenuhi: {0} tidak ada.",
    2: "Sebagian terpenuhi: {0} ada tetapi belum lengkap atau belum dijalankan.",
    3: "Terpenuhi: {0} ada dan dijalankan, bukti belum lengkap.",
    4: "Terpenuhi sepenuhnya: {0} ada, dijalankan dan didukung bukti lengkap.",
}

GRADES = [
    ("A", "Sangat Baik", "86.00", 5),
    ("B", "Baik", "71.00", 3),
    ("C", "Cukup", "56.00", 2),
]

HISTORY = (
    "Instrument",
    "InstrumentVersion",
    "Component",
    "Indicator",
    "IndicatorLevel",
    "GradeThreshold",
)


def _loaded_at() -> Any:
    """Now, in whole seconds: these rows are hashed, and a JSON round trip
    (Django's serializer keeps milliseconds only; the test runner's serialized
    rollback is one) must give back exactly the values that were hashed."""
    return timezone.now().replace(microsecond=0)


def _history(apps: StateApps, record: Any) -> None:
    """The record's first history row, chained below by chain_seal."""
    model = apps.get_model("accreditation", f"Historical{type(record).__name__}")
    values = {
        f.attname: getattr(record, f.attname)
        for f in record._meta.concrete_fields
        if f.name != "audit_head"
    }
    model.objects.create(
        **values,
        history_date=_loaded_at(),
        history_type="+",
        history_change_reason="",
        transition=ACTION,
    )


def _create(apps: StateApps, model: str, **values: Any) -> Any:
    manager = apps.get_model("accreditation", model).objects
    record = manager.create(**values)
    # auto_now_add stamps microseconds: whole seconds too (see _loaded_at).
    stamps = {
        f.attname: getattr(record, f.attname).replace(microsecond=0)
        for f in record._meta.concrete_fields
        if f.get_internal_type() == "DateTimeField" and getattr(record, f.attname)
    }
    if stamps:
        manager.filter(pk=record.pk).update(**stamps)
        for name, value in stamps.items():
            setattr(record, name, value)
    _history(apps, record)
    return record


def load(apps: StateApps, schema_editor: Any) -> None:
    instrument = _create(
        apps, "Instrument", code="balks", name="Instrumen Akreditasi LKS Nasional"
    )
    version = _create(
        apps,
        "InstrumentVersion",
        instrument=instrument,
        number=1,
        state="published",
        published_at=_loaded_at(),
    )
    for order, (code, name, weight, indicators) in enumerate(STANDARDS, start=1):
        component = _create(
            apps,
            "Component",
            version=version,
            code=code,
            name=name,
            weight=Decimal(weight),
            position=order,
        )
        for position, text in enumerate(indicators, start=1):
            _indicator(apps, component, position, text)
    for grade, label, minimum, years in GRADES:
        _create(
            apps,
            "GradeThreshold",
            version=version,
            grade=grade,
            label=label,
            minimum=Decimal(minimum),
            validity_years=years,
        )
    head_model = apps.get_model("workflow", "AuditHead")
    for name in HISTORY:
        chain_seal(apps.get_model("accreditation", f"Historical{name}"), head_model)


def _indicator(apps: StateApps, component: Any, position: int, text: str) -> None:
    indicator = _create(
        apps,
        "Indicator",
        component=component,
        code=f"{component.code}-{position}",
        text=text,
        position=position,
    )
    subject = text[0].lower() + text[1:]
    for score, template in LEVELS.items():
        _create(
            apps,
            "IndicatorLevel",
            indicator=indicator,
            score=score,
            guidance=template.format(subject),
        )


def unload(apps: StateApps, schema_editor: Any) -> None:
    # Only rows of this migration exist this early; their history is kept.
    apps.get_model("accreditation", "InstrumentVersion").objects.filter(
        instrument__code="balks", number=1
    ).delete()
    apps.get_model("accreditation", "Instrument").objects.filter(
        code="balks"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0001_initial"),
        ("workflow", "0007_deadline_task_copy"),
    ]

    operations = [migrations.RunPython(load, unload)]
