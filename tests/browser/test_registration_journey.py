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

from cases.models import Document, Registration, RegistrationCertificate
from tests.browser.conftest import Shots
from tests.factories import PDF, OrganisationFactory, UserFactory
from workflow.issuance.models import SigningKey
from workflow.issuance.signing import verify_pdf
from workflow.models import Organisation, Region, Role, User
from workflow.services import membership_grant

PASSWORD = "rahasia-uji-123"
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
    """One browser, one page; every screen kept at desktop and at 360 px."""

    def __init__(self, browser: Any, base: str, shots: Shots, files: Path) -> None:
        self.context = browser.new_context(locale="id-ID", accept_downloads=True)
        self.page = self.context.new_page()
        self.base = base
        self.shots = shots
        self.files = files
        self.requested: list[str] = []
        self.context.on("request", lambda request: self.requested.append(request.url))

    def shot(self, name: str) -> None:
        """The page as it is now, on a desktop and on a 360 px phone."""
        self.shots.take(self.page, name)
        self.page.set_viewport_size({"width": 360, "height": 740})
        self.shots.take(self.page, name + "-360")
        wide = self.page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 360, f"{name} is {wide} px wide on a 360 px phone"
        self.page.set_viewport_size({"width": 1280, "height": 800})

    def go(self, path: str, shot: str) -> None:
        self.page.goto(self.base + path)
        self.shot(shot)

    def click(self, text: str, shot: str | None = None) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=text, exact=True).first.click()
        self.page.wait_for_load_state("networkidle")
        if shot:
            self.shot(shot)

    def follow(self, link: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=link).first.click()
        self.page.wait_for_load_state("networkidle")

    def open_task(self, title: str, shot: str) -> str:
        """Claim the task from the queue (its page shows the case first)."""
        self.go("/staf/antrean/", shot + "-queue")
        self.follow(title)
        assert "/staf/tugas/" in self.page.url, self.page.url
        assert self.page.get_by_text("Kantor yang berwenang").count() == 1
        self.shot(shot + "-before-claim")
        self.click("Ambil tugas ini", shot)
        assert self.page.title().startswith(title), self.page.title()
        return self.page.url

    def sign_in(self, username: str, shot: str) -> None:
        self.context.clear_cookies()
        self.page.goto(self.base + "/masuk/")
        self.page.fill("#id_login", username)
        self.page.fill("#id_password", PASSWORD)
        self.shot(shot)
        self.click("Masuk")

    def pdf(self, name: str) -> Path:
        path = self.files / name
        path.write_bytes(PDF + name.encode())
        return path

    def open_documents(self) -> int:
        """Open every document of the task page; each serves its exact bytes."""
        links = self.page.locator("#dokumen a[target=_blank]")
        count = links.count()
        for index in range(count):
            href = links.nth(index).get_attribute("href") or ""
            response = self.page.request.get(self.base + href)
            assert response.status == 200, href
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["content-disposition"].startswith("inline")
            pk = int(href.rstrip("/").split("/")[-2])
            body = response.body()
            assert (
                hashlib.sha256(body).hexdigest() == Document.objects.get(pk=pk).sha256
            )
        return count


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
    page.fill("input[name=first_name]", "Sri")
    page.fill("input[name=last_name]", "Wahyuni")
    page.fill("input[name=email]", "pengelola@kasihbunda.or.id")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    j.click("Daftar", "verification-sent")
    link = re.search(r"https?://\S+/akun/confirm-email/\S+/", str(mail.outbox[-1].body))
    assert link is not None
    page.goto(link.group(0))
    j.shot("confirm-email")
    j.click("Konfirmasi", "portal-after-confirm")

    # 2. Registers the LKS, fills the profile and the board.
    page.goto(live_server.url + "/lks/baru/")
    page.fill("#id_name", "Panti Asuhan Kasih Bunda")
    page.select_option("#id_legal_form", "yayasan")
    page.select_option("#id_region", str(Region.objects.get(code="32.01").pk))
    page.select_option("#id_scope", "regency")
    j.shot("register-lks")
    j.click("Daftar", "registered")
    lks_pk = _case().lks_id
    page.goto(f"{live_server.url}/lks/{lks_pk}/profil/")
    page.fill("#id_deed_number", "12")
    page.fill("#id_deed_date", "2015-03-02")
    page.fill("#id_sk_kemenkumham", "AHU-0012345.AH.01.04.Tahun 2015")
    page.fill("#id_npwp", "01.234.567.8-403.000")
    page.fill("#id_address", "Jl. Raya Cibinong No. 10")
    page.select_option("#id_kecamatan_code", "32.01.01")
    # The desa list follows the kecamatan at once, without saving first.
    page.wait_for_selector(
        "#id_desa_code option[value='32.01.01.1001']", state="attached"
    )
    page.select_option("#id_desa_code", "32.01.01.1001")
    page.fill("#id_latitude", "-6.481234")
    page.fill("#id_longitude", "106.854321")
    page.check("input[name=service_types][value=anak]")
    page.fill("#id_capacity", "40")
    page.fill("#id_current_clients", "28")
    j.click("Simpan draf", "profile-saved")
    assert page.input_value("#id_desa_code") == "32.01.01.1001"
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
    page.evaluate("window.pilarStayed = true")
    for index in range(count):
        section = page.locator("section.document").nth(index)
        section.locator("input[type=file]").set_input_files(
            str(j.pdf(f"dok{index}.pdf"))
        )
        section.get_by_role("button", name="Unggah").click()
        page.locator("section.document").nth(index).locator("[role=status]").wait_for()
    # Uploads swap their own section in place: the page never reloaded.
    assert page.evaluate("window.pilarStayed === true")
    j.shot("documents-uploaded")
    j.click("Ajukan ke Dinas Sosial", "submitted")
    assert _case().state == Registration.State.SUBMITTED

    # 4. The verifier claims the task, receives the file, opens every document
    #    from the task page and judges them on one form; one does not conform.
    j.sign_in("verifier_bogor", "verifier-sign-in")
    execute = j.open_task("Verifikasi pendaftaran", "verify-task")
    j.click("Terima berkas dan mulai verifikasi", "received")
    assert j.open_documents() == count
    rows = page.locator("#dokumen tbody tr")
    rows.first.locator("input[value=tidak_sesuai]").check()
    rows.first.locator("input[type=text]").fill("Belum ditandatangani ketua")
    j.click("Simpan penilaian", "document-not-conforming")
    assert page.url == execute + "#dokumen"  # back where the verdicts are
    page.check("input[name=decision][value=request_revision]")
    page.fill("#id_reason", "Surat permohonan belum ditandatangani ketua")
    j.click("Simpan keputusan", "revision-requested")
    assert _case().state == Registration.State.NEEDS_REVISION

    # 5. The operator fixes the document and resubmits.
    j.sign_in("pengelola@kasihbunda.or.id", "operator-sign-in-by-email")
    page.goto(live_server.url + documents)
    j.shot("operator-sees-revision")
    section = page.locator("section.document").first
    section.locator("input[type=file]").set_input_files(str(j.pdf("perbaikan.pdf")))
    section.get_by_role("button", name="Unggah").click()
    page.locator("section.document").first.locator("[role=status]").wait_for()
    j.click("Ajukan ke Dinas Sosial", "resubmitted")
    assert _case().state == Registration.State.SUBMITTED

    # 6. Too early a "verified" is refused and what was typed stays; then every
    #    document is judged on one form, the visit recorded, and the case verified.
    j.sign_in("verifier_bogor", "verifier-again")
    j.open_task("Verifikasi pendaftaran", "second-round-task")
    j.click("Terima berkas dan mulai verifikasi")
    page.check("input[name=decision][value=verify]")
    typed = "Dokumen dan lapangan sesuai"
    page.fill("#id_reason", typed)
    j.click("Simpan keputusan", "verified-too-early")
    assert page.input_value("#id_reason") == typed
    assert page.locator(".form-errors").count() >= 1
    assert page.locator(".field-decision .errorlist").count() == 1
    assert _case().state == Registration.State.IN_VERIFICATION
    assert j.open_documents() == count
    for index in range(page.locator("#dokumen tbody tr").count()):
        page.locator("#dokumen tbody tr").nth(index).locator(
            "input[value=sesuai]"
        ).check()
    j.click("Simpan penilaian", "all-documents-conform")
    page.fill("#id_visited_on", "2026-11-20")
    page.fill("#id_officers", "Andi Wijaya")
    page.fill("#id_findings", "Sarana dan 28 anak asuh sesuai berkas.")
    page.check("input[name=outcome][value=sesuai]")
    j.click("Catat verifikasi lapangan", "field-visit")
    page.check("input[name=decision][value=verify]")
    page.fill("#id_reason", typed)
    j.click("Simpan keputusan", "verified")
    assert _case().state == Registration.State.VERIFIED

    # 7. The Kepala Dinas approves, previews the Tanda Registrasi, signs once.
    j.sign_in("kadis_bogor", "kadis-sign-in")
    j.open_task("Tanda tangani Tanda Registrasi", "sign-task")
    page.check("input[name=decision][value=approve]")
    j.click("Simpan keputusan", "approved")
    preview = page.get_by_role("link", name="Buka pratinjau (PDF)")
    response = page.request.get(live_server.url + (preview.get_attribute("href") or ""))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert not RegistrationCertificate.objects.exists()  # a preview takes no number
    page.check("#id_confirm")
    j.click("Tanda tangani Tanda Registrasi", "signed")
    assert _case().state == Registration.State.CERTIFICATE_ISSUED
    j.go(f"/kasus/{case.reference}/", "case-with-certificate")
    certificate = RegistrationCertificate.objects.get()
    assert certificate.number in page.inner_text("body")

    # 8. The PDF downloads, its signature validates, its QR page says valid.
    with page.expect_download() as download:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; "
            "a.download = ''; document.body.appendChild(a); a.click(); }",
            f"{live_server.url}/sertifikat/{certificate.token}/unduh/",
        )
    pdf = Path(download.value.path()).read_bytes()
    trusted = bytes(
        SigningKey.objects.get(organisation=certificate.office).certificate_pem
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
    assert not [url for url in j.requested if "/static/viewflow/" in url]
    assert not [url for url in j.requested if not url.startswith(live_server.url)]
    j.context.close()
