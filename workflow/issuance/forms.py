"""The public PDF check's form: it parses the upload, the selectors judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_MB = 10
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024


class IssuedPdfCheckForm(forms.Form):
    """One PDF to compare with every issued document; cleaned to its bytes."""

    pdf = forms.FileField(
        label=_("PDF file to check"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per form, not at import: the visitor's language applies.
        self.fields["pdf"].help_text = _(
            "The certificate PDF you received, at most %(mb)d MB."
        ) % {"mb": MAX_UPLOAD_MB}

    def clean_pdf(self) -> bytes:
        upload = self.cleaned_data["pdf"]
        too_large = ValidationError(
            _("The file is larger than %(mb)d MB."),
            code="too_large",
            params={"mb": MAX_UPLOAD_MB},
        )
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise too_large
        # Read one byte past the limit: a size the client lied about shows here.
        data: bytes = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise too_large
        return data
