"""Load demo organisations, users and registration cases; safe to run again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from cases.models import Lks, Registration
from cases.services.registration import registration_create
from workflow.models import Organisation, Region, Role, User
from workflow.services import membership_grant, transition_run

DEMO_PASSWORD = "pilar-demo-2026"  # noqa: S105  (printed for the demo on purpose)
Kind = Organisation.Kind

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

# (LKS name, region code, scope, has legal entity)
LKS = [
    ("Panti Asuhan Kasih Bunda", "32.01", Lks.Scope.REGENCY, True),
    ("Panti Werdha Sejahtera Cibinong", "32.01", Lks.Scope.REGENCY, True),
    ("Yayasan Peduli Disabilitas Tegar", "32.01", Lks.Scope.REGENCY, True),
    ("Rumah Singgah Anak Jalanan Pelita", "32.01", Lks.Scope.REGENCY, False),
    ("Panti Sosial Tresna Werdha Budi Mulia", "62.71", Lks.Scope.REGENCY, True),
    ("LKSA Harapan Bintan", "21.01", Lks.Scope.REGENCY, True),
    ("Yayasan Rehabilitasi NAPZA Mandiri", "34.02", Lks.Scope.REGENCY, True),
]

# (username, full name, organisation, role)
PEOPLE = [
    ("admin", "Admin Pilar", "Kementerian Sosial", Role.ADMINISTRATOR),
    ("operator_bogor", "Siti Rahmawati", "Panti Asuhan Kasih Bunda", Role.OPERATOR),
    (
        "operator_cibinong",
        "Bambang Santoso",
        "Panti Werdha Sejahtera Cibinong",
        Role.OPERATOR,
    ),
    (
        "operator_tegar",
        "Dewi Lestari",
        "Yayasan Peduli Disabilitas Tegar",
        Role.OPERATOR,
    ),
    (
        "operator_pelita",
        "Agus Salim",
        "Rumah Singgah Anak Jalanan Pelita",
        Role.OPERATOR,
    ),
    (
        "operator_budimulia",
        "Yohana Ningsih",
        "Panti Sosial Tresna Werdha Budi Mulia",
        Role.OPERATOR,
    ),
    ("operator_bintan", "Rizky Pratama", "LKSA Harapan Bintan", Role.OPERATOR),
    (
        "operator_bantul",
        "Sri Wahyuni",
        "Yayasan Rehabilitasi NAPZA Mandiri",
        Role.OPERATOR,
    ),
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

# LKS name -> the people and transitions its first case goes through.
JOURNEYS: dict[str, list[tuple[str, str, str]]] = {
    "Panti Asuhan Kasih Bunda": [
        ("operator_bogor", "submit", "Berkas pendaftaran lengkap"),
        ("verifier_bogor", "start_verification", "Berkas diterima"),
        ("verifier_bogor", "request_revision", "AD/ART belum ditandatangani"),
        ("operator_bogor", "submit", "AD/ART sudah ditandatangani"),
        ("verifier_bogor", "start_verification", "Berkas perbaikan diterima"),
        ("verifier_bogor", "verify", "Verifikasi lapangan sesuai"),
        ("kadis_bogor", "approve", "Disetujui"),
        ("kadis_bogor", "issue_certificate", "Tanda Registrasi ditandatangani"),
    ],
    "Panti Werdha Sejahtera Cibinong": [
        ("operator_cibinong", "submit", "Berkas pendaftaran lengkap"),
    ],
    "Yayasan Peduli Disabilitas Tegar": [
        ("operator_tegar", "submit", "Berkas pendaftaran lengkap"),
        ("verifier_bogor", "start_verification", "Berkas diterima"),
        ("verifier_bogor", "verify", "Verifikasi lapangan sesuai"),
    ],
    "Rumah Singgah Anak Jalanan Pelita": [
        ("operator_pelita", "submit", "Berkas pendaftaran"),
        ("verifier_bogor", "start_verification", "Berkas diterima"),
        ("verifier_bogor", "reject", "Nota pendirian tidak dilegalisasi"),
    ],
    "Panti Sosial Tresna Werdha Budi Mulia": [
        ("operator_budimulia", "submit", "Berkas pendaftaran lengkap"),
        ("verifier_palangkaraya", "start_verification", "Berkas diterima"),
    ],
    "LKSA Harapan Bintan": [],
    "Yayasan Rehabilitasi NAPZA Mandiri": [
        ("operator_bantul", "submit", "Berkas pendaftaran"),
        ("verifier_bantul", "start_verification", "Berkas diterima"),
        ("verifier_bantul", "request_revision", "Daftar pengurus belum lengkap"),
    ],
}


@dataclass
class Seeded:
    organisations: dict[str, Organisation]
    users: dict[str, User]


class Command(BaseCommand):
    help = "Load demo organisations, users and registration cases (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        seeded = Seeded(organisations=self._organisations(), users={})
        root = self._user("admin", "Admin Pilar", superuser=True)
        for username, full_name, org_name, role in PEOPLE:
            user = root if username == "admin" else self._user(username, full_name)
            membership_grant(
                actor=root,
                user=user,
                organisation=seeded.organisations[org_name],
                role=role,
            )
            seeded.users[username] = user
        for lks in Lks.objects.filter(name__in=JOURNEYS).select_related("organisation"):
            self._journey(seeded, lks)
        self._print_logins()

    def _organisations(self) -> dict[str, Organisation]:
        found: dict[str, Organisation] = {}
        for name, kind, code, agency in OFFICES:
            found[name], _ = Organisation.objects.get_or_create(
                name=name,
                region=Region.objects.get(code=code),
                defaults={"kind": kind, "agency": agency},
            )
        for name, code, scope, legal in LKS:
            region = Region.objects.get(code=code)
            org, _ = Organisation.objects.get_or_create(
                name=name, region=region, defaults={"kind": Kind.LKS}
            )
            Lks.objects.get_or_create(
                organisation=org,
                defaults={
                    "name": name,
                    "region": region,
                    "scope": scope,
                    "has_legal_entity": legal,
                },
            )
            found[name] = org
        return found

    def _user(self, username: str, full_name: str, *, superuser: bool = False) -> User:
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

    def _journey(self, seeded: Seeded, lks: Lks) -> None:
        if lks.registrations.exists():
            return
        steps = JOURNEYS[lks.name]
        record = registration_create(
            actor=seeded.users[steps[0][0]] if steps else self._operator(seeded, lks),
            lks=lks,
            kind=Registration.Kind.FIRST,
        )
        for username, name, reason in steps:
            data = {"ground": "incomplete"} if name == "reject" else None
            record = transition_run(
                actor=seeded.users[username],
                record=record,
                transition=name,
                reason=reason,
                data=data,
            )

    def _operator(self, seeded: Seeded, lks: Lks) -> User:
        for username, _name, org_name, role in PEOPLE:
            if org_name == lks.name and role == Role.OPERATOR:
                return seeded.users[username]
        raise LookupError(lks.name)

    def _print_logins(self) -> None:
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Logins (password for all):")
        )
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        for username, _full_name, org_name, role in PEOPLE:
            self.stdout.write(f"  {username:<24} {Role(role).label:<24} {org_name}")
