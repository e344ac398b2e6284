"""The LKS, its board, and the numbers each office sets for itself."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from workflow.audit import audited_history
from workflow.models import Organisation, Region


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
    history = audited_history()

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
    history = audited_history()

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


class LksUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Lks, on_delete=models.CASCADE)


class LksGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Lks, on_delete=models.CASCADE)
