"""The LKS and its registration case."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords
from viewflow.workflow.models import Process

from workflow.audit import AuditedModel, audited_history
from workflow.models import Organisation, Region, User


class ServiceType(models.TextChoices):
    CHILDREN = "anak", _("Children (anak)")
    ELDERLY = "lansia", _("Elderly (lansia)")
    DISABILITY = "disabilitas", _("Persons with disabilities")
    MENTAL = "odgj", _("People with mental disorders (ODGJ)")
    NAPZA = "napza", _("Victims of drug abuse (korban NAPZA)")
    STREET_CHILDREN = "anak_jalanan", _("Street children (anak jalanan)")
    TUNA_SOSIAL = "tuna_sosial", _("Tuna sosial")
    OTHER = "lainnya", _("Other social welfare services")


class Lks(models.Model):
    """A Lembaga Kesejahteraan Sosial, acting through its own organisation."""

    class Scope(models.TextChoices):
        REGENCY = "regency", _("One kabupaten/kota")
        PROVINCE = "province", _("Several kabupaten/kota in one province")
        NATIONAL = "national", _("Several provinces")

    class LegalForm(models.TextChoices):
        YAYASAN = "yayasan", _("Foundation (yayasan)")
        PERKUMPULAN = "perkumpulan", _("Association (perkumpulan)")
        NO_ENTITY = "tidak_berbadan_hukum", _("Without legal entity (nota pendirian)")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="lks"
    )
    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(
        _("legal form"),
        max_length=25,
        choices=LegalForm.choices,
        default=LegalForm.YAYASAN,
    )
    has_legal_entity = models.BooleanField(_("legal entity (berbadan hukum)"))
    deed_number = models.CharField(
        _("deed of establishment number (akta pendirian / nota pendirian)"),
        max_length=100,
        blank=True,
    )
    deed_date = models.DateField(_("deed date"), null=True, blank=True)
    sk_kemenkumham = models.CharField(
        _("SK Kemenkumham number"), max_length=100, blank=True
    )
    npwp = models.CharField(
        _("NPWP"), max_length=16, blank=True, help_text=_("Digits only, as validated.")
    )
    address = models.TextField(_("street address"), blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="lks",
        limit_choices_to={"level": Region.Level.REGENCY},
    )
    kecamatan_code = models.CharField(_("kecamatan code"), max_length=8, blank=True)
    desa_code = models.CharField(_("desa/kelurahan code"), max_length=13, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    scope = models.CharField(
        _("scope of operation"), max_length=10, choices=Scope.choices
    )
    service_types = models.JSONField(_("service types"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    current_clients = models.PositiveIntegerField(
        _("current clients"), null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("LKS")
        verbose_name_plural = _("LKS")
        permissions = [("operate_lks", _("Edit the LKS profile and its cases"))]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True)
                    | models.Q(latitude__gte=-90, latitude__lte=90)
                )
                & (
                    models.Q(longitude__isnull=True)
                    | models.Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="cases_lks_coordinates_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class BoardMember(models.Model):
    """A member of the LKS board (pengurus)."""

    class Position(models.TextChoices):
        CHAIR = "ketua", _("Chair (ketua)")
        SECRETARY = "sekretaris", _("Secretary (sekretaris)")
        TREASURER = "bendahara", _("Treasurer (bendahara)")
        MEMBER = "anggota", _("Member (anggota)")

    lks = models.ForeignKey(Lks, on_delete=models.CASCADE, related_name="board")
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=12, choices=Position.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.TextField(_("address"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("board member")
        verbose_name_plural = _("board members")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_position_display()})"


class OfficePolicy(models.Model):
    """The numbers an office sets for itself (DOMAIN.md: data, not code)."""

    office = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="policy"
    )
    verification_working_days = models.PositiveSmallIntegerField(
        _("verification time limit (working days)"), default=14
    )
    certificate_validity_years = models.PositiveSmallIntegerField(
        _("Tanda Registrasi validity (years)"), default=3
    )
    renewal_window_days = models.PositiveSmallIntegerField(
        _("renewal opens this many days before expiry"), default=90
    )
    max_upload_mb = models.PositiveSmallIntegerField(
        _("upload size limit (MB)"), default=10
    )
    signer_name = models.CharField(_("signer name"), max_length=150, blank=True)
    signer_nip = models.CharField(_("signer NIP"), max_length=18, blank=True)
    signer_title = models.CharField(
        _("signer title"), max_length=150, default="Kepala Dinas Sosial"
    )

    class Meta:
        verbose_name = _("office policy")
        verbose_name_plural = _("office policies")

    def __str__(self) -> str:
        return str(self.office)


class DocumentType(models.Model):
    """One item of a required-document checklist; office=None is the national list."""

    office = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="document_types",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    for_first_registration = models.BooleanField(_("first registration"), default=True)
    for_renewal = models.BooleanField(_("renewal"), default=True)
    legal_entity_only = models.BooleanField(_("only berbadan hukum"), default=False)
    no_legal_entity_only = models.BooleanField(
        _("only tidak berbadan hukum"), default=False
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "code"],
                condition=models.Q(office__isnull=False),
                name="cases_documenttype_unique_code",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(office__isnull=True),
                name="cases_documenttype_unique_national_code",
            ),
            models.CheckConstraint(
                condition=~(
                    models.Q(legal_entity_only=True)
                    & models.Q(no_legal_entity_only=True)
                ),
                name="cases_documenttype_one_legal_flag",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Registration(ConcurrentTransitionMixin, AuditedModel):
    """One registration case (first registration or renewal) of an LKS."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_VERIFICATION = "in_verification", _("In verification")
        NEEDS_REVISION = "needs_revision", _("Needs revision")
        VERIFIED = "verified", _("Verified")
        APPROVED = "approved", _("Approved")
        CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Kind(models.TextChoices):
        FIRST = "first", _("First registration")
        RENEWAL = "renewal", _("Renewal (daftar ulang)")

    class RejectionGround(models.TextChoices):
        INCOMPLETE = "incomplete", _("Requirements are incomplete")
        NOT_SOCIAL_WELFARE = (
            "not_social_welfare",
            _("The LKS does not carry out social welfare work"),
        )
        AGAINST_PANCASILA = (
            "against_pancasila",
            _("Its principles conflict with Pancasila and the 1945 Constitution"),
        )

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True)
    lks = models.ForeignKey(Lks, on_delete=models.PROTECT, related_name="registrations")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    office = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible office"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True
    )
    previous_certificate = models.ForeignKey(
        "RegistrationCertificate",
        verbose_name=_("certificate being renewed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
    )
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    rejection_ground = models.CharField(
        _("ground for rejection"),
        max_length=30,
        choices=RejectionGround.choices,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = audited_history()

    class Meta:
        verbose_name = _("registration case")
        verbose_name_plural = _("registration cases")
        permissions = [
            ("submit_registration", _("Submit or withdraw a registration")),
            ("verify_registration", _("Verify a registration")),
            ("reject_registration", _("Reject a registration")),
            ("approve_registration", _("Approve a registration")),
            ("sign_registration", _("Sign the Tanda Registrasi")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="rejected") | ~models.Q(rejection_ground=""),
                name="cases_registration_rejection_has_ground",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lks} ({self.get_kind_display()}, {self.get_state_display()})"

    # Transitions: declarations only; transition_run checks and records them.

    @transition(
        field=state,
        source=[State.DRAFT, State.NEEDS_REVISION],
        target=State.SUBMITTED,
        permission="cases.submit_registration",
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.IN_VERIFICATION,
        permission="cases.verify_registration",
    )
    def start_verification(self, *, receipt_number: str = "") -> None:
        # The receipt number is given once, when the file is first received.
        self.receipt_number = self.receipt_number or receipt_number

    @transition(
        field=state,
        source=State.IN_VERIFICATION,
        target=State.NEEDS_REVISION,
        permission="cases.verify_registration",
        custom={"reason_required": True},
    )
    def request_revision(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_VERIFICATION,
        target=State.VERIFIED,
        permission="cases.verify_registration",
    )
    def verify(self) -> None:
        pass

    @transition(
        field=state,
        source=State.VERIFIED,
        target=State.APPROVED,
        permission="cases.approve_registration",
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=State.APPROVED,
        target=State.CERTIFICATE_ISSUED,
        permission="cases.sign_registration",
    )
    def issue_certificate(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.SUBMITTED, State.IN_VERIFICATION, State.VERIFIED],
        target=State.REJECTED,
        permission="cases.reject_registration",
        custom={"reason_required": True},
    )
    def reject(self, *, ground: str) -> None:
        self.rejection_ground = ground

    @transition(
        field=state,
        source=[
            State.DRAFT,
            State.SUBMITTED,
            State.IN_VERIFICATION,
            State.NEEDS_REVISION,
            State.VERIFIED,
        ],
        target=State.WITHDRAWN,
        permission="cases.submit_registration",
    )
    def withdraw(self) -> None:
        pass


class RegistrationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Registration, on_delete=models.CASCADE)


class RegistrationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Registration, on_delete=models.CASCADE)


class LksUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Lks, on_delete=models.CASCADE)


class LksGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Lks, on_delete=models.CASCADE)


def _document_path(instance: Document, filename: str) -> str:
    # Random names: an upload never overwrites another, nor reveals its origin.
    return f"documents/{instance.registration_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """One uploaded version of a required document; versions are never overwritten."""

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="documents"
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["document_type__position", "document_type_id", "-version"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "document_type", "version"],
                name="cases_document_unique_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_type} v{self.version}"


class DocumentReview(models.Model):
    """A verifier's verdict on one document version (sesuai / tidak sesuai)."""

    class Verdict(models.TextChoices):
        CONFORMS = "sesuai", _("Conforms (sesuai)")
        DOES_NOT_CONFORM = "tidak_sesuai", _("Does not conform (tidak sesuai)")

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="reviews"
    )
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    reviewer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        verbose_name = _("document review")
        verbose_name_plural = _("document reviews")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(verdict="tidak_sesuai") | ~models.Q(note=""),
                name="cases_documentreview_nonconformity_has_note",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document}: {self.get_verdict_display()}"


class FieldVisit(models.Model):
    """The verifier's field visit (verifikasi lapangan) for a registration case."""

    class Outcome(models.TextChoices):
        CONFORMS = "sesuai", _("Conforms to the file")
        DOES_NOT_CONFORM = "tidak_sesuai", _("Does not conform to the file")

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="field_visits"
    )
    visited_on = models.DateField(_("visit date"))
    officers = models.CharField(_("visiting officers"), max_length=300)
    findings = models.TextField(_("findings"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")

    def __str__(self) -> str:
        return f"{self.registration} @ {self.visited_on}"


class CertificateSequence(models.Model):
    """The last number used per issuing office and year; locked while numbering."""

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year"], name="cases_certificatesequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last_value}"


class OfficeSigningKey(models.Model):
    """The embedded signing key of an office (Ed25519, self-signed certificate)."""

    office = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="signing_key"
    )
    private_key_pem = models.BinaryField(editable=False)
    certificate_pem = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.office}"


class RegistrationCertificate(ConcurrentTransitionMixin, AuditedModel):
    """The Tanda Registrasi issued when a registration case is signed."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        SUSPENDED = "suspended", _("Suspended (dibekukan)")
        REVOKED = "revoked", _("Revoked (dicabut)")
        SUPERSEDED = "superseded", _("Superseded by renewal")

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="certificate"
    )
    lks = models.ForeignKey(Lks, on_delete=models.PROTECT, related_name="certificates")
    office = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("number"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    state = FSMField(
        _("status"), default=State.ACTIVE, choices=State.choices, protected=True
    )
    token = models.CharField(_("verification token"), max_length=64, unique=True)
    pdf = models.FileField(_("PDF"), upload_to="certificates/", max_length=200)
    # Indexed: the public check finds a certificate by the hash of an uploaded PDF.
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, db_index=True)
    signer_name = models.CharField(_("signer name"), max_length=150)
    signer_nip = models.CharField(_("signer NIP"), max_length=18, blank=True)
    signer_title = models.CharField(_("signer title"), max_length=150)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = audited_history()

    class Meta:
        verbose_name = _("Tanda Registrasi")
        verbose_name_plural = _("Tanda Registrasi")
        permissions = [
            ("suspend_certificate", _("Suspend or reinstate a Tanda Registrasi")),
            ("revoke_certificate", _("Revoke a Tanda Registrasi")),
            ("expire_certificate", _("Mark a Tanda Registrasi expired")),
            ("supersede_certificate", _("Supersede a Tanda Registrasi by its renewal")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "sequence"],
                name="cases_certificate_unique_sequence",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @transition(
        field=state,
        source=State.ACTIVE,
        target=State.EXPIRED,
        permission="cases.expire_certificate",
    )
    def expire(self) -> None:
        pass

    @transition(
        field=state,
        source=State.ACTIVE,
        target=State.SUSPENDED,
        permission="cases.suspend_certificate",
        custom={"reason_required": True},
    )
    def suspend(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SUSPENDED,
        target=State.ACTIVE,
        permission="cases.suspend_certificate",
        custom={"reason_required": True},
    )
    def reinstate(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.ACTIVE, State.SUSPENDED],
        target=State.REVOKED,
        permission="cases.revoke_certificate",
        custom={"reason_required": True},
    )
    def revoke(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.ACTIVE, State.EXPIRED],
        target=State.SUPERSEDED,
        permission="cases.supersede_certificate",
    )
    def supersede(self) -> None:
        pass


class CertificateUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(
        RegistrationCertificate, on_delete=models.CASCADE
    )


class CertificateGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(
        RegistrationCertificate, on_delete=models.CASCADE
    )


class RegistrationProcess(Process):
    """The viewflow process of one registration case (our FK, not ``artifact``)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="processes"
    )

    class Meta:
        verbose_name = _("registration process")
        verbose_name_plural = _("registration processes")
        default_permissions = ("add", "change", "delete", "view", "manage")
