"""The registry of issued-document kinds that apps fill from ``ready()``.

A kind tells the engine its code (also the key of its number series), its
label, its number format, and how to find and describe one of its documents.
The engine needs nothing else to number, verify and show any kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

__all__ = [
    "REGISTRY",
    "IssuedDocument",
    "IssuedKind",
    "kind_get",
    "kind_register",
    "kinds_all",
]


@dataclass(frozen=True, kw_only=True)
class IssuedDocument:
    """One issued document as the engine sees it, whatever its kind.

    ``state`` is the effective one (e.g. expired once past ``valid_until``
    even before a nightly job marks it); ``in_force`` says whether the holder
    may rely on it today. ``read_pdf`` returns the signed PDF as stored
    (raising ``OSError`` when it cannot be read).
    """

    key: str
    issuer_id: int
    issuer_name: str
    holder_name: str
    number: str
    state: str
    state_label: str | Promise
    in_force: bool
    valid_until: dt.date
    pdf_sha256: str
    read_pdf: Callable[[], bytes]


@dataclass(frozen=True, kw_only=True)
class IssuedKind:
    """A kind of document an app issues, e.g. ``TD-LKS`` (Tanda Registrasi).

    ``number_format`` is a ``str.format`` pattern over ``seq``, ``year``,
    ``month``, ``roman_month`` and ``region_code`` (the issuing
    organisation's), e.g. ``"{seq:04d}/TD-LKS/{region_code}/{roman_month}/{year}"``.
    ``by_token`` and ``by_pdf_sha256`` return the kind's own record or None;
    ``describe`` turns such a record into an ``IssuedDocument`` for a day.
    """

    code: str
    label: str | Promise
    holder_label: str | Promise
    number_format: str
    by_token: Callable[[str], Any | None]
    by_pdf_sha256: Callable[[str], Any | None]
    describe: Callable[[Any, dt.date], IssuedDocument]


# Filled once at start-up; tests may add a kind with monkeypatch.setitem.
REGISTRY: dict[str, IssuedKind] = {}


def kind_register(kind: IssuedKind) -> IssuedKind:
    """Register ``kind``; registering the same code twice is a mistake."""
    known = REGISTRY.get(kind.code)
    if known is not None and known != kind:
        raise ValueError(f"Issued-document kind {kind.code!r} is already registered.")
    REGISTRY[kind.code] = kind
    return kind


def kind_get(code: str) -> IssuedKind:
    try:
        return REGISTRY[code]
    except KeyError:
        raise LookupError(f"No issued-document kind {code!r} is registered.") from None


def kinds_all() -> list[IssuedKind]:
    return list(REGISTRY.values())
