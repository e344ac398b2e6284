"""The whole registration journey, as its real users click through it.

An operator signs up, confirms the email, registers the LKS, fills the profile
and board, uploads the documents and submits; the verifier claims the task,
marks a document "tidak sesuai" and asks for revision; the operator fixes and
resubmits; the verifier checks everything, records the field visit and
verifies; the Kepala Dinas approves and signs; the PDF downloads, its PAdES
signature validates and its QR page says it is valid. Every page is kept as a
screenshot under test-artifacts/screenshots/.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from cases.models import OfficeSigningKey, Registration, RegistrationCertificate
from cases.signing import verify_pdf
from tests.browser.conftest import Shots
from tests.factories import OrganisationFactory, UserFactory
from workflow.models import Organisation, Region, Role, User
from workflow.services import membership_grant

PASSWORD = "rahasia-uji-123"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def office(settings: Any, tmp_path: Path, live_server: Any) -> dict[str, User]:
    settings.MEDIA_ROOT = tmp_path
    settings.PILAR_PUBLIC_BASE_URL = live_server.url
    root = UserFactory.create(username="root", is_superuser=True)
    bogor = OrganisationFactory.create(name="Dinas Sosial Kabupaten Bogor")
    staff = {}
    for username, role in [
        ("verifier_bogor", Role.VERIFIER),
        ("kadis_bogor", Role.SIGNER),
    ]:
        user = UserFactory.create(username=username)
        membership_grant(actor=root, user=user, organisation=bogor, role=role)
        staff[username] = user
    assert isinstance(bogor, Organisation)
    return staff


class Journey:
    def __init__(self, browser: Any, base: str, shots: Shots, files: Path) -> None:
        self.context = browser.new_context(locale="id-ID", accept_downloads=True)
        self.page = self.context.new_page()
        self.base = base
        self.shots = shots
        self.files = files

    def go(self, path: str, shot: str) -> None:
        self.page.goto(self.base + path)
        self.shots.take(self.page, shot)

    def click(self, text: str, shot: str | None = None) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=text, exact=True).first.click()
        # Some staff pages submit through Turbo (fetch, then render).
        self.page.wait_for_load_state("networkidle")
        if shot:
            self.shots.take(self.page, shot)

    def follow(self, link: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=link).first.click()
        self.page.wait_for_load_state("networkidle")

    def open_from_inbox(self, task_title: str, shot: str) -> str:
        """Open the claimed task from "My tasks"; returns its execute page URL."""
        self.go("/staf/registration/inbox/", shot + "-inbox")
        self.follow(task_title)
        assert self.page.url.endswith("/execute/"), self.page.url
        self.shots.take(self.page, shot)
        return self.page.url

    def sign_in(self, username: str, shot: str) -> None:
        self.context.clear_cookies()
        self.page.goto(self.base + "/masuk/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.shots.take(self.page, shot)
        self.click("Masuk")

    def pdf(self, name: str) -> Path:
        path = self.files / name
        path.write_bytes(PDF + name.encode())
        return path


def _case() -> Registration:
    return Registration.objects.select_related("lks").get()


def test_the_whole_registration_journey(
    browser: Any,
    live_server: Any,
    shots: Shots,
    office: dict[str, User],
    tmp_path: Path,
) -> None:
    j = Journey(browser, live_server.url, shots, tmp_path)
    page = j.page

    # 1. The operator signs up and confirms the email.
    j.go("/akun/signup/", "signup")
    assert page.locator("html").get_attribute("lang") == "id"
    page.fill("input[name=email]", "pengelola@kasihbunda.or.id")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    j.click("Daftar", "verification-sent")
    link = re.search(r"https?://\S+/akun/confirm-email/\S+/", str(mail.outbox[-1].body))
    assert link is not None
    page.goto(link.group(0))
    j.shots.take(page, "confirm-email")
    j.click("Konfirmasi", "portal-after-confirm")

    # 2. Registers the LKS, fills the profile and the board.
    page.goto(live_server.url + "/lks/baru/")
    page.fill("#id_name", "Panti Asuhan Kasih Bunda")
    page.select_option("#id_legal_form", "yayasan")
    page.select_option("#id_region", str(Region.objects.get(code="32.01").pk))
    page.select_option("#id_scope", "regency")
    page.check("#id_has_legal_entity")
    j.shots.take(page, "register-lks")
    j.click("Daftar", "registered")
    lks_pk = _case().lks_id
    page.goto(f"{live_server.url}/lks/{lks_pk}/profil/")
    page.fill("#id_deed_number", "12")
    page.fill("#id_deed_date", "2015-03-02")
    page.fill("#id_sk_kemenkumham", "AHU-0012345.AH.01.04.Tahun 2015")
    page.fill("#id_npwp", "01.234.567.8-403.000")
    page.fill("#id_address", "Jl. Raya Cibinong No. 10")
    page.select_option("#id_kecamatan_code", "32.01.01")
    page.fill("#id_latitude", "-6.481234")
    page.fill("#id_longitude", "106.854321")
    page.check("input[name=service_types][value=anak]")
    page.fill("#id_capacity", "40")
    page.fill("#id_current_clients", "28")
    j.click("Simpan draf", "profile-saved")
    page.select_option("#id_desa_code", "32.01.01.1001")
    j.click("Simpan draf", "profile-with-desa")
    page.goto(f"{live_server.url}/lks/{lks_pk}/pengurus/")
    page.fill("#id_name", "Hj. Nur Aini")
    page.select_option("#id_position", "ketua")
    j.click("Tambah", "board")

    # 3. Uploads every required document and submits.
    case = _case()
    documents = f"/lks/kasus/{case.reference}/dokumen/"
    page.goto(live_server.url + documents)
    count = page.locator("input[type=file]").count()
    assert count >= 9
    for index in range(count):
        form = page.locator("form:has(input[type=file])").nth(index)
        form.locator("input[type=file]").set_input_files(str(j.pdf(f"dok{index}.pdf")))
        form.get_by_role("button", name="Unggah").click()
        page.wait_for_load_state("networkidle")
    j.shots.take(page, "documents-uploaded")
    j.click("Ajukan ke Dinas Sosial", "submitted")
    assert _case().state == Registration.State.SUBMITTED

    # 4. The verifier claims the task, receives the file, rejects one document.
    j.sign_in("verifier_bogor", "verifier-sign-in")
    j.go("/staf/registration/queue/", "verifier-queue")
    j.follow("Verifikasi pendaftaran")
    j.shots.take(page, "claim")
    j.click("Ambil", "claimed")
    execute = j.open_from_inbox("Verifikasi pendaftaran", "verify-task")
    j.click("Terima berkas dan mulai verifikasi", "received")
    page.goto(f"{live_server.url}/kasus/{case.reference}/")
    first = page.locator("form.review-form").first
    first.locator("select[name=verdict]").select_option("tidak_sesuai")
    first.locator("input[name=note]").fill("Belum ditandatangani ketua")
    first.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    j.shots.take(page, "document-not-conforming")
    page.goto(execute)
    page.check("input[name=decision][value=request_revision]")
    page.fill("#id_reason", "Surat permohonan belum ditandatangani ketua")
    j.click("Simpan keputusan", "revision-requested")
    assert _case().state == Registration.State.NEEDS_REVISION

    # 5. The operator fixes the document and resubmits.
    j.sign_in("pengelola@kasihbunda.or.id", "operator-sign-in-by-email")
    page.goto(live_server.url + documents)
    j.shots.take(page, "operator-sees-revision")
    form = page.locator("form:has(input[type=file])").first
    form.locator("input[type=file]").set_input_files(str(j.pdf("perbaikan.pdf")))
    form.get_by_role("button", name="Unggah").click()
    page.wait_for_load_state("networkidle")
    j.click("Ajukan ke Dinas Sosial", "resubmitted")
    assert _case().state == Registration.State.SUBMITTED

    # 6. The verifier checks every document, records the visit and verifies.
    j.sign_in("verifier_bogor", "verifier-again")
    j.go("/staf/registration/queue/", "queue-second-round")
    j.follow("Verifikasi pendaftaran")
    j.click("Ambil", "claimed-again")
    execute = j.open_from_inbox("Verifikasi pendaftaran", "second-round-task")
    j.click("Terima berkas dan mulai verifikasi")
    page.goto(f"{live_server.url}/kasus/{case.reference}/")
    for index in range(page.locator("form.review-form").count()):
        row = page.locator("form.review-form").nth(index)
        row.locator("select[name=verdict]").select_option("sesuai")
        row.get_by_role("button").click()
        page.wait_for_load_state("networkidle")
    page.fill("#id_visited_on", "2026-11-20")
    page.fill("#id_officers", "Andi Wijaya")
    page.fill("#id_findings", "Sarana dan 28 anak asuh sesuai berkas.")
    j.click("Catat verifikasi lapangan", "field-visit")
    page.goto(execute)
    page.check("input[name=decision][value=verify]")
    page.fill("#id_reason", "Dokumen dan lapangan sesuai")
    j.click("Simpan keputusan", "verified")
    assert _case().state == Registration.State.VERIFIED

    # 7. The Kepala Dinas approves and signs.
    j.sign_in("kadis_bogor", "kadis-sign-in")
    j.go("/staf/registration/queue/", "kadis-queue")
    j.follow("Tanda tangani Tanda Registrasi")
    j.click("Ambil", "kadis-claimed")
    j.open_from_inbox("Tanda tangani Tanda Registrasi", "sign-task")
    page.check("input[name=decision][value=approve]")
    j.click("Simpan keputusan", "approved")
    j.click("Tanda tangani Tanda Registrasi", "signed")
    assert _case().state == Registration.State.CERTIFICATE_ISSUED

    # 8. The PDF downloads, its signature validates, its QR page says valid.
    certificate = RegistrationCertificate.objects.get()
    with page.expect_download() as download:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; "
            "a.download = ''; document.body.appendChild(a); a.click(); }",
            f"{live_server.url}/sertifikat/{certificate.token}/unduh/",
        )
    pdf = Path(download.value.path()).read_bytes()
    trusted = bytes(
        OfficeSigningKey.objects.get(office=certificate.office).certificate_pem
    )
    # Playwright's event loop owns this thread; pyHanko runs its own elsewhere.
    with ThreadPoolExecutor(max_workers=1) as pool:
        checked = pool.submit(verify_pdf, pdf, trusted_certificate_pem=trusted).result()
    assert checked.valid, checked
    assert certificate.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    j.go(f"/verifikasi/{certificate.token}/", "public-verification")
    body = page.inner_text("body")
    assert certificate.number in body
    assert "Panti Asuhan Kasih Bunda" in body
    assert re.search(r"[Ss]ah|[Vv]alid", body)
    j.context.close()
