"""Load demo offices, people and LKS whose cases went through the real services.

Idempotent: what exists is left alone. Every LKS registers itself through the
portal service, uploads its documents, and is verified and signed through the
viewflow tasks, so the demo's queues, inboxes, timelines and certificates are
what real use would leave behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases.checklist import required_document_types
from cases.models import Lks, Registration
from cases.services import registration as reg
from cases.services.documents import document_upload
from cases.services.portal import board_member_add, lks_register
from cases.services.verification import document_review, field_visit_record
from workflow.models import Organisation, Region, Role, User
from workflow.nodes import human_task_claim, human_task_complete
from workflow.registry import open_task
from workflow.services import membership_grant

DEMO_PASSWORD = "pilar-demo-2026"  # noqa: S105  (printed for the demo on purpose)
Kind = Organisation.Kind
# A real one-page PDF (with its cross-reference table): uploads are parsed.
PDF = (
    b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
    b"2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n"
    b"3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000054 00000 n \n0000000105 00000 n \n"
    b"trailer\n<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)

# (name, kind, region code, OPD agency)
OFFICES = [
    ("Dinas Sosial Kabupaten Bogor", Kind.DINSOS_REGENCY, "32.01", ""),
    ("Dinas Sosial Kota Palangka Raya", Kind.DINSOS_REGENCY, "62.71", ""),
    ("Dinas Sosial Kabupaten Bintan", Kind.DINSOS_REGENCY, "21.01", ""),
    ("Dinas Sosial Kabupaten Bantul", Kind.DINSOS_REGENCY, "34.02", ""),
    ("Dinas Sosial Provinsi Jawa Barat", Kind.DINSOS_PROVINCE, "32", ""),
    ("Dinas Sosial Provinsi Kalimantan Tengah", Kind.DINSOS_PROVINCE, "62", ""),
    ("Dinas Sosial Aceh", Kind.DINSOS_PROVINCE, "11", ""),
    ("Kementerian Sosial", Kind.KEMENSOS, "31", ""),
    ("Badan Akreditasi Lembaga Kesejahteraan Sosial", Kind.BALKS, "31", ""),
    ("DP3KB Kabupaten Bintan", Kind.OPD, "21.01", Organisation.Agency.DP3KB),
    ("DPMPTSP Kabupaten Bintan", Kind.OPD, "21.01", Organisation.Agency.DPMPTSP),
    ("Kesbangpol Kabupaten Bintan", Kind.OPD, "21.01", Organisation.Agency.KESBANGPOL),
    (
        "Dinas Pendidikan Kabupaten Bintan",
        Kind.OPD,
        "21.01",
        Organisation.Agency.EDUCATION,
    ),
]

# (username, full name, organisation, role)
STAFF = [
    ("admin", "Admin Pilar", "Kementerian Sosial", Role.ADMINISTRATOR),
    ("verifier_bogor", "Andi Wijaya", "Dinas Sosial Kabupaten Bogor", Role.VERIFIER),
    ("kadis_bogor", "Dr. Hendra Gunawan", "Dinas Sosial Kabupaten Bogor", Role.SIGNER),
    (
        "supervisor_bogor",
        "Rina Marlina",
        "Dinas Sosial Kabupaten Bogor",
        Role.SUPERVISOR,
    ),
    (
        "verifier_palangkaraya",
        "Yusuf Antang",
        "Dinas Sosial Kota Palangka Raya",
        Role.VERIFIER,
    ),
    (
        "verifier_bantul",
        "Wahyu Nugroho",
        "Dinas Sosial Kabupaten Bantul",
        Role.VERIFIER,
    ),
    (
        "verifier_bintan",
        "Fitri Handayani",
        "Dinas Sosial Kabupaten Bintan",
        Role.VERIFIER,
    ),
    (
        "supervisor_jabar",
        "Ir. Dedi Kurniawan",
        "Dinas Sosial Provinsi Jawa Barat",
        Role.SUPERVISOR,
    ),
    (
        "assessor_a",
        "Prof. Maria Ulfa",
        "Badan Akreditasi Lembaga Kesejahteraan Sosial",
        Role.ASSESSOR,
    ),
    ("opd_bintan", "Teguh Santika", "DP3KB Kabupaten Bintan", Role.MONEV_OFFICER),
]

# Where each LKS sits: region code -> (kecamatan, desa).
PLACES = {
    "32.01": ("32.01.01", "32.01.01.1001"),
    "62.71": ("62.71.01", "62.71.01.1001"),
    "21.01": ("21.01.04", "21.01.04.1005"),
    "34.02": ("34.02.01", "34.02.01.2001"),
}


@dataclass(frozen=True)
class DemoLks:
    name: str
    operator: str
    operator_name: str
    region: str
    services: list[str]
    journey: list[str]
    legal_form: str = Lks.LegalForm.YAYASAN
    chair: str = "Hj. Nur Aini"
    extra: dict[str, Any] = field(default_factory=dict)


LKS = [
    DemoLks(
        "Panti Asuhan Kasih Bunda",
        "operator_bogor",
        "Siti Rahmawati",
        "32.01",
        ["anak"],
        [
            "submit",
            "receive",
            "revise",
            "submit",
            "receive",
            "verify",
            "approve",
            "sign",
        ],
    ),
    DemoLks(
        "Panti Werdha Sejahtera Cibinong",
        "operator_cibinong",
        "Bambang Santoso",
        "32.01",
        ["lansia"],
        ["submit"],
    ),
    DemoLks(
        "Panti Asuhan Bina Insani",
        "operator_binainsani",
        "Dewi Sartika",
        "32.01",
        ["anak"],
        ["submit"],
    ),
    DemoLks(
        "Yayasan Cahaya Disabilitas",
        "operator_cahaya",
        "Lukman Hakim",
        "32.01",
        ["disabilitas"],
        ["submit", "receive"],
    ),
    DemoLks(
        "Yayasan Peduli Disabilitas Tegar",
        "operator_tegar",
        "Dewi Lestari",
        "32.01",
        ["disabilitas", "odgj"],
        ["submit", "receive", "verify"],
    ),
    DemoLks(
        "Panti Asuhan Nurul Iman",
        "operator_nuruliman",
        "Ahmad Fauzi",
        "32.01",
        ["anak"],
        ["submit", "receive", "verify", "approve"],
    ),
    DemoLks(
        "Rumah Singgah Anak Jalanan Pelita",
        "operator_pelita",
        "Agus Salim",
        "32.01",
        ["anak_jalanan"],
        ["submit", "receive", "reject"],
        legal_form=Lks.LegalForm.NO_ENTITY,
    ),
    DemoLks(
        "Yayasan Lansia Bahagia",
        "operator_bahagia",
        "Ratna Sari",
        "32.01",
        ["lansia"],
        ["submit", "withdraw"],
    ),
    DemoLks(
        "Panti Sosial Tresna Werdha Budi Mulia",
        "operator_budimulia",
        "Yohana Ningsih",
        "62.71",
        ["lansia"],
        ["submit", "receive"],
    ),
    DemoLks(
        "LKSA Harapan Bintan", "operator_bintan", "Rizky Pratama", "21.01", ["anak"], []
    ),
    DemoLks(
        "Yayasan Rehabilitasi NAPZA Mandiri",
        "operator_bantul",
        "Sri Wahyuni",
        "34.02",
        ["napza"],
        ["submit", "receive", "revise"],
    ),
]

VERIFIER = {
    "32.01": "verifier_bogor",
    "62.71": "verifier_palangkaraya",
    "21.01": "verifier_bintan",
    "34.02": "verifier_bantul",
}


class Command(BaseCommand):
    help = "Load demo offices, people and LKS cases in every state (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        people = self._staff()
        for demo in LKS:
            with transaction.atomic():
                if not Lks.objects.filter(name=demo.name).exists():
                    Journey(demo, people).run()
        self._print_logins()

    @transaction.atomic
    def _staff(self) -> dict[str, User]:
        offices = {}
        for name, kind, code, agency in OFFICES:
            offices[name], _ = Organisation.objects.get_or_create(
                name=name,
                region=Region.objects.get(code=code),
                defaults={"kind": kind, "agency": agency},
            )
        root = _user("admin", "Admin Pilar", superuser=True)
        people = {}
        for username, full_name, office, role in STAFF:
            user = root if username == "admin" else _user(username, full_name)
            membership_grant(
                actor=root, user=user, organisation=offices[office], role=role
            )
            people[username] = user
        return people

    def _print_logins(self) -> None:
        self.stdout.write(
            self.style.SUCCESS("Demo data ready at http://127.0.0.1:8000/")
        )
        self.stdout.write(
            f"Every demo user signs in with the password: {DEMO_PASSWORD}"
        )
        for username, _name, office, role in STAFF:
            self.stdout.write(f"  {username:<24} {Role(role).label:<24} {office}")
        for demo in LKS:
            self.stdout.write(f"  {demo.operator:<24} {'Operator LKS':<24} {demo.name}")


def _user(username: str, full_name: str, *, superuser: bool = False) -> User:
    first, _, last = full_name.rpartition(" ")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first or last,
            "last_name": last if first else "",
            "email": f"{username}@demo.pilar.id",
            "is_superuser": superuser,
            "is_staff": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


class Journey:
    """One demo LKS: it registers, then its case takes the listed steps."""

    def __init__(self, demo: DemoLks, people: dict[str, User]) -> None:
        self.demo = demo
        self.operator = _user(demo.operator, demo.operator_name)
        self.verifier = people[VERIFIER[demo.region]]
        self.kadis = people.get("kadis_bogor")
        self.case: Registration

    def run(self) -> None:
        lks = self._register()
        self.case = lks.registrations.get()
        self._upload_documents()
        steps: dict[str, Callable[[], None]] = {
            "submit": self._submit,
            "receive": self._receive,
            "revise": self._revise,
            "verify": self._verify,
            "approve": self._approve,
            "sign": self._sign,
            "reject": self._reject,
            "withdraw": self._withdraw,
        }
        for step in self.demo.journey:
            steps[step]()
            self.case = Registration.objects.get(pk=self.case.pk)

    def _register(self) -> Lks:
        demo = self.demo
        kecamatan, desa = PLACES[demo.region]
        legal = demo.legal_form != Lks.LegalForm.NO_ENTITY
        lks = lks_register(
            actor=self.operator,
            name=demo.name,
            legal_form=demo.legal_form,
            region=Region.objects.get(code=demo.region),
            scope=Lks.Scope.REGENCY,
            deed_number="12" if legal else "NP-07/2019",
            deed_date=dt.date(2015, 3, 2),
            sk_kemenkumham="AHU-0012345.AH.01.04.Tahun 2015" if legal else "",
            npwp="01.234.567.8-403.000" if legal else "",
            address="Jl. Raya No. 10",
            kecamatan_code=kecamatan,
            desa_code=desa,
            latitude=Decimal("-6.481700"),
            longitude=Decimal("106.854000"),
            service_types=demo.services,
            capacity=40,
            current_clients=28,
            phone="0812-3456-7890",
        )
        board_member_add(
            actor=self.operator, lks=lks, name=demo.chair, position="ketua"
        )
        return lks

    def _upload_documents(self, *, round_: int = 1) -> None:
        for document_type in required_document_types(registration=self.case):
            content = PDF + f"% {document_type.code} v{round_}\n".encode()
            document_upload(
                actor=self.operator,
                registration=self.case,
                document_type=document_type,
                uploaded_file=SimpleUploadedFile(
                    f"{document_type.code}.pdf", content, "application/pdf"
                ),
            )

    def _submit(self) -> None:
        if self.case.state == Registration.State.NEEDS_REVISION:
            self._upload_documents(round_=2)
        reg.registration_submit(actor=self.operator, registration=self.case)

    def _receive(self) -> None:
        task = open_task(record=self.case, step="verify")
        human_task_claim(actor=self.verifier, task=task)
        reg.registration_receive(actor=self.verifier, registration=self.case)

    def _revise(self) -> None:
        first = self.case.documents.order_by("pk")[0]
        document_review(
            actor=self.verifier,
            document=first,
            verdict="tidak_sesuai",
            note="Belum ditandatangani ketua pengurus.",
        )
        self._decide("request_revision", "Perbaiki dokumen yang ditandai tidak sesuai.")

    def _verify(self) -> None:
        latest = {
            d.document_type_id: d for d in self.case.documents.order_by("version")
        }
        for document in latest.values():
            document_review(actor=self.verifier, document=document, verdict="sesuai")
        field_visit_record(
            actor=self.verifier,
            registration=self.case,
            visited_on=timezone.localdate(),
            officers=str(self.verifier),
            findings="Sarana, pengurus dan daftar penerima layanan sesuai berkas.",
            outcome="sesuai",
        )
        self._decide("verify", "Verifikasi dokumen dan lapangan sesuai.")

    def _reject(self) -> None:
        self._decide(
            "reject", "Nota pendirian tidak dilegalisasi.", ground="incomplete"
        )

    def _decide(self, decision: str, reason: str, ground: str = "") -> None:
        task = open_task(record=self.case, step="verify")
        human_task_complete(
            actor=self.verifier,
            task=task,
            action=lambda: reg.registration_decide(
                actor=self.verifier,
                registration=self.case,
                decision=decision,
                reason=reason,
                ground=ground,
            ),
        )

    def _approve(self) -> None:
        task = open_task(record=self.case, step="sign")
        human_task_claim(actor=self.kadis, task=task)  # type: ignore[arg-type]
        reg.registration_approve(actor=self.kadis, registration=self.case)  # type: ignore[arg-type]

    def _sign(self) -> None:
        task = open_task(record=self.case, step="sign")
        human_task_complete(
            actor=self.kadis,  # type: ignore[arg-type]
            task=task,
            action=lambda: reg.registration_sign(
                actor=self.kadis,  # type: ignore[arg-type]
                registration=self.case,
            ),
        )

    def _withdraw(self) -> None:
        reg.registration_withdraw(
            actor=self.operator,
            registration=self.case,
            reason="Pengurus memutuskan menunda pendaftaran.",
        )
