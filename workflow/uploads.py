"""One check for every upload of every app: size, type by content, image
pixels and active content in PDFs, refused with a message naming the file.

Checks run in this order, each only after the one before passed: size, type
(read from the bytes; the extension must agree), then for images the pixel
count from the header alone, for PDFs the actions found in the object graph.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import filetype
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.crypt.api import AuthStatus
from pyhanko.pdf_utils.reader import PdfFileReader

from workflow.exceptions import InvalidInput

MEGABYTE = 1024 * 1024
# 40 megapixels: an A4 page scanned at 600 dpi (35 MP) fits, a bomb does not.
MAX_IMAGE_PIXELS = 40_000_000
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
_SNIFF_BYTES = 8192
# Action types that run code, start programs or send data away when opened.
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
)
# /JS carries a script, /AA fires actions on open, close, focus or page view.
_ACTIVE_KEYS = frozenset({"/JS", "/AA"})
# A second line behind the parser, for what it may have missed (a viewer's
# repair of a damaged file can find objects that no cross-reference lists).
_RAW_MARKERS = (b"/JavaScript", b"/Launch")

# Every refusal of this module, in one place.
_TOO_LARGE = _("“%(name)s” is larger than the limit of %(limit)s.")
_EMPTY = _("“%(name)s” is empty.")
_UNKNOWN_TYPE = _(
    "“%(name)s” is not a PDF, JPEG or PNG file: its content is of another type."
)
_OTHER_TYPE = _("“%(name)s” is %(kind)s, not a PDF, JPEG or PNG file.")
_WRONG_EXTENSION = _("“%(name)s” is named as another type than its content (%(type)s).")
_TOO_MANY_PIXELS = _(
    "“%(name)s” has too many pixels (more than %(limit)d megapixels). "
    "Reduce the resolution and upload it again."
)
_BAD_IMAGE = _("“%(name)s” cannot be read as an image: the file is damaged.")
_BAD_PDF = _("“%(name)s” cannot be read as a PDF: the file is damaged.")
_LOCKED_PDF = _(
    "“%(name)s” is protected by a password. Upload it without the password."
)
_ACTIVE_PDF = _(
    "“%(name)s” contains scripts or automatic actions (%(found)s), which are "
    "not allowed. Print it to a new PDF and upload that."
)
_KIND_HTML = _("a web page (HTML)")
_KIND_SVG = _("an SVG drawing")
_KIND_WINDOWS = _("a Windows program")
_KIND_PROGRAM = _("a program")
_KIND_FILE = _("a %(type)s file")


@dataclass(frozen=True)
class CheckedUpload:
    """What the check learnt of an accepted file."""

    name: str  # the file's base name, as people see it
    content_type: str
    extension: str  # the name's own extension, lower case, with its dot
    size: int
    sha256: str


@dataclass(frozen=True)
class _Scan:
    size: int
    sha256: str
    head: bytes  # enough of the start to tell the type
    markers: set[str]  # raw names of active content seen anywhere


def _upload_name(uploaded_file: UploadedFile) -> str:
    """The file's base name without any folder a browser may have sent."""
    return os.path.basename(uploaded_file.name or "") or "dokumen"


def upload_check(uploaded_file: UploadedFile, *, max_bytes: int) -> CheckedUpload:
    """Accept a PDF, JPEG or PNG that is safe to show a verifier, or raise
    InvalidInput saying why not; the file is left rewound."""
    name = _upload_name(uploaded_file)
    scan = _scan(uploaded_file, name, max_bytes)
    content_type = _content_type(name, scan.head)
    if content_type == "application/pdf":
        _check_pdf(uploaded_file, name, scan.markers)
    else:
        _check_image(uploaded_file, name, _PIL_FORMATS[content_type])
    uploaded_file.seek(0)
    return CheckedUpload(
        name=name,
        content_type=content_type,
        extension=os.path.splitext(name)[1].lower(),
        size=scan.size,
        sha256=scan.sha256,
    )


def _refusal(message: Promise, **values: object) -> InvalidInput:
    # Formatted when raised, so in the language of the request.
    return InvalidInput(str(message) % values)


def _scan(uploaded_file: UploadedFile, name: str, max_bytes: int) -> _Scan:
    # Refuse on the declared size before reading; count anyway, it may lie.
    if (uploaded_file.size or 0) > max_bytes:
        raise _refusal(_TOO_LARGE, name=name, limit=_size_label(max_bytes))
    digest = hashlib.sha256()
    size, head, tail = 0, b"", b""
    markers: set[str] = set()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        size += len(chunk)
        if size > max_bytes:
            raise _refusal(_TOO_LARGE, name=name, limit=_size_label(max_bytes))
        digest.update(chunk)
        head += chunk[: max(0, _SNIFF_BYTES - len(head))]
        # With the last chunk's tail, a marker split across two is still seen.
        window = tail + chunk
        markers.update(m.decode() for m in _RAW_MARKERS if m in window)
        tail = window[-32:]
    if size == 0:
        raise _refusal(_EMPTY, name=name)
    return _Scan(size=size, sha256=digest.hexdigest(), head=head, markers=markers)


def _size_label(limit: int) -> str:
    if limit % MEGABYTE == 0:
        return f"{limit // MEGABYTE} MB"
    return f"{-(-limit // 1024)} KB"


def _content_type(name: str, head: bytes) -> str:
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime not in ALLOWED_TYPES:
        described = _describe(head, mime, kind.extension if kind else "")
        if described is None:
            raise _refusal(_UNKNOWN_TYPE, name=name)
        raise _refusal(_OTHER_TYPE, name=name, kind=described)
    if os.path.splitext(name)[1].lower() not in ALLOWED_TYPES[mime]:
        raise _refusal(_WRONG_EXTENSION, name=name, type=kind.extension.upper())
    return str(mime)


def _describe(head: bytes, mime: str, extension: str) -> str | None:
    """What a refused file really is, in words an operator knows."""
    text = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<") and b"<svg" in text:
        return str(_KIND_SVG)
    if text.startswith(b"<") and any(
        tag in text for tag in (b"<html", b"<!doctype html", b"<script", b"<body")
    ):
        return str(_KIND_HTML)
    if head.startswith(b"MZ") or mime == "application/x-msdownload":
        return str(_KIND_WINDOWS)
    if mime in {"application/x-executable", "application/x-mach-binary"}:
        return str(_KIND_PROGRAM)
    if extension:
        return str(_KIND_FILE) % {"type": extension.upper()}
    return None


def _check_image(uploaded_file: UploadedFile, name: str, pil_format: str) -> None:
    uploaded_file.seek(0)
    try:
        # Pillow warns past its own limit and raises past twice that; ours is
        # lower, but a warning must not slip through as a mere log line.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Image.open reads the header only: nothing is decoded here.
            with Image.open(uploaded_file, formats=[pil_format]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(name)
                # Walks the chunks' checksums without decompressing them.
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except InvalidInput:
        raise
    except Exception:
        # Pillow fails on hostile input in many ways (OSError, SyntaxError,
        # ValueError, struct.error ...): each means we cannot vouch for it.
        raise _refusal(_BAD_IMAGE, name=name) from None


def _too_many_pixels(name: str) -> InvalidInput:
    return _refusal(_TOO_MANY_PIXELS, name=name, limit=MAX_IMAGE_PIXELS // 1_000_000)


def _check_pdf(uploaded_file: UploadedFile, name: str, markers: set[str]) -> None:
    uploaded_file.seek(0)
    try:
        # Not strict: viewers open slightly damaged files, so we read them too.
        reader = PdfFileReader(uploaded_file, strict=False)
        locked = reader.encrypted and not _opens_without_password(reader)
        found = set() if locked else _active_content(reader)
    except Exception:
        # A third-party parser on hostile input fails in many ways: each one
        # means we cannot vouch for the file.
        raise _refusal(_BAD_PDF, name=name) from None
    if locked:
        raise _refusal(_LOCKED_PDF, name=name)
    found |= markers
    if found:
        raise _refusal(_ACTIVE_PDF, name=name, found=", ".join(sorted(found)))


def _opens_without_password(reader: PdfFileReader) -> bool:
    # An owner password alone (print or copy restrictions) opens with "".
    try:
        return bool(reader.decrypt("").status != AuthStatus.FAILED)
    except Exception:
        return False


def _active_content(reader: PdfFileReader) -> set[str]:
    """Names of the active content in the document, from its object graph.

    Every object of every cross-reference section is read, so that objects
    packed in compressed object streams are seen as well as plain ones."""
    found = _catalog_actions(reader.root)
    for reference in _every_reference(reader):
        for dictionary in _dictionaries(reader.get_object(reference)):
            found |= _active_keys(dictionary)
    return found


def _catalog_actions(catalog: generic.DictionaryObject) -> set[str]:
    found: set[str] = set()
    open_action = _value(catalog, "/OpenAction")
    # A destination array ([3 0 R /Fit]) only turns to a page; an action
    # dictionary other than GoTo does something when the file is opened.
    if isinstance(open_action, generic.DictionaryObject) and (
        _value(open_action, "/S") != "/GoTo"
    ):
        found.add("/OpenAction")
    names = _value(catalog, "/Names")
    if isinstance(names, generic.DictionaryObject) and "/JavaScript" in names:
        found.add("/JavaScript")
    return found


def _value(dictionary: generic.DictionaryObject, key: str) -> object:
    # Indexing follows references; a missing or null value is a KeyError.
    try:
        return dictionary[key]
    except KeyError:
        return None


def _every_reference(reader: PdfFileReader) -> set[generic.Reference]:
    references: set[generic.Reference] = set()
    for revision in range(reader.xrefs.total_revisions):
        references |= reader.xrefs.explicit_refs_in_revision(revision)
    return references


def _dictionaries(root: generic.PdfObject) -> Iterator[generic.DictionaryObject]:
    """The dictionaries held directly in one object, nested ones included.

    References are not followed: each indirect object is visited on its own."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, generic.DictionaryObject):
            yield node
            stack.extend(node.raw_get(key) for key in node)
        elif isinstance(node, generic.ArrayObject):
            stack.extend(node.raw_get(index) for index in range(len(node)))


def _active_keys(dictionary: generic.DictionaryObject) -> set[str]:
    found = {key for key in dictionary if key in _ACTIVE_KEYS}
    if "/S" in dictionary:
        action = dictionary.raw_get("/S")
        if isinstance(action, generic.NameObject) and action in _ACTIVE_ACTIONS:
            found.add(str(action))
    return found
