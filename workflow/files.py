"""Uploaded files served through a view that checked the reader's right to
see them (never from /media/), with headers that keep the file inert."""

from __future__ import annotations

import re
import unicodedata
from typing import IO

from django.core.files import File
from django.http import FileResponse
from django.utils.csp import CSP

# One policy for PDFs and images alike. Checked in Debian's Chromium 156 and
# Firefox ESR 153: their built-in PDF viewers still render a PDF served with
# `sandbox` (top-level and framed), so the sandbox is not reserved for images.
# The sandbox gives the document an opaque origin with no script, forms or
# pop-ups; `style-src 'unsafe-inline'` only lets the browser's own image page
# fit a large scan to the window (there is no script to abuse it); framing is
# allowed for our own pages only, so a task page may show a preview.
UPLOADED_FILE_CSP = "; ".join(
    (
        "sandbox",  # no allow-* token: everything the sandbox can forbid
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    )
)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")
_FALLBACK_NAME = "dokumen"


def private_file_response(
    *,
    file: File[bytes] | IO[bytes],
    filename: str,
    content_type: str,
    inline: bool = True,
) -> FileResponse:
    """Stream ``file`` with its own policy; the site-wide one does not apply."""
    response = FileResponse(
        file,
        content_type=content_type,
        as_attachment=not inline,
        filename=safe_filename(filename),
    )
    # django.middleware.csp leaves a header a view has set alone (it adds its
    # own only when `header not in response`), so this policy wins over
    # SECURE_CSP whichever view serves the file.
    # str(): a StrEnum name is refused by WSGI servers that check type(name).
    response.headers[str(CSP.HEADER_ENFORCE)] = UPLOADED_FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    # frame-ancestors for older browsers; XFrameOptionsMiddleware keeps it too.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    # Other sites may not embed it; no shared cache may keep a copy.
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def safe_filename(filename: str) -> str:
    """The name without folders or control characters, short enough for a
    header; Django quotes or encodes what remains (RFC 6266)."""
    name = unicodedata.normalize("NFC", filename)
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    return name[-150:] or _FALLBACK_NAME
