"""The hash of a history row and the seal of a head.

A row's hash is an HMAC-SHA256 over all of its columns but ``history_id`` and
``entry_hash``, as JSON with sorted keys. Each column enters it in one
canonical form: the value the database stores and returns for it, so that a
row hashed before it is written (``row_hash``, from the history instance)
hashes exactly as the same row read back (``entry_hash``, ``RowHasher``).
Decimals are rounded to their field's places, aware datetimes taken to UTC,
dates, times and datetimes written as ISO 8601, decimals and UUIDs as text,
JSON as it comes back out of its column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from django.conf import settings
from django.db import models

GENESIS = ""
UNHASHED = frozenset({"history_id", "entry_hash"})

# One encoder for every message: json.dumps(payload, sort_keys=True,
# ensure_ascii=False, default=str), without building an encoder each time.
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, default=str, check_circular=False
)
# The same output for a payload whose dicts are in key order already, at less
# than half the cost (RowHasher's).
_SORTED_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=False, default=str, check_circular=False
)
# Rounding as PostgreSQL's numeric does (half away from zero); precision wide
# enough that a value too large for its column fails in the database, not here.
_DECIMALS = Context(prec=100, rounding=ROUND_HALF_UP)

type Field = models.Field[Any, Any]


def _key() -> bytes:
    return str(settings.AUDIT_HASH_KEY).encode()


def _hmac(key: bytes, payload: Mapping[str, Any]) -> str:
    return hmac.digest(key, _ENCODER.encode(payload).encode(), "sha256").hex()


def stored_value(field: Field, value: Any, *, vendor: str = "") -> Any:
    """The Python value the database gives back for ``value`` written to
    ``field`` (``vendor``: the database's, if the value was never read back)."""
    value = field.get_prep_value(value)
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        rounded = Decimal(value).quantize(
            Decimal(1).scaleb(-field.decimal_places), context=_DECIMALS
        )
        return rounded.copy_abs() if rounded.is_zero() else rounded  # no -0
    if isinstance(field, models.JSONField):
        text = json.dumps(value, cls=field.encoder)
        numbers = _jsonb_number if vendor == "postgresql" else None
        return json.loads(text, cls=field.decoder, parse_float=numbers)
    return value


def _jsonb_number(text: str) -> float | int:
    """A JSON float as jsonb gives it back, a numeric: 1e+16 as the integer it
    is, -0.0 without its sign (Python writes floats past 1e16 with exponents)."""
    if "e+" in text:
        return int(Decimal(text))
    return float(text) or 0.0


def _json_scalar(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _utc_isoformat(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def _utc_isoformat(value: dt.datetime) -> str:
    text = value.isoformat()
    if value.tzinfo is None or text.endswith("+00:00"):
        return text  # naive, or in UTC already (as read back)
    return value.astimezone(dt.UTC).isoformat()


def canonical(field: Field | None, value: Any) -> Any:
    """How one column's value enters the hash, in memory or read back."""
    if value is not None and field is not None:
        # What the column stores (a flow node as its dotted reference, ...),
        # never a Python object's repr.
        value = stored_value(field, value)
    return _json_scalar(value)


def entry_hash(history_model: type[models.Model], row: Mapping[str, Any]) -> str:
    """The hash of one history row given as ``{attname: value}`` (``values()``)."""
    fields = {f.attname: f for f in history_model._meta.concrete_fields}
    payload = {
        name: canonical(fields.get(name), value)
        for name, value in row.items()
        if name not in UNHASHED
    }
    return _hmac(_key(), payload)


def row_hash(history_instance: models.Model, *, vendor: str) -> str:
    """The hash of a history row about to be inserted into a ``vendor``
    database, from its field values: the same as ``entry_hash`` of the row once
    read back. Decimals are set to the value hashed, so that the database
    stores exactly that."""
    payload: dict[str, Any] = {}
    for field in history_instance._meta.concrete_fields:
        if field.attname in UNHASHED:
            continue
        value = getattr(history_instance, field.attname)
        if value is not None:
            value = stored_value(field, value, vendor=vendor)
        if isinstance(field, models.DecimalField):
            setattr(history_instance, field.attname, value)
        payload[field.attname] = _json_scalar(value)
    return _hmac(_key(), payload)


def head_seal(history_label: str, record_id: str, head: str) -> str:
    """The keyed seal of one record's newest hash."""
    message = "\x00".join(["audit-head", history_label, record_id, head])
    return hmac.digest(_key(), message.encode(), "sha256").hex()


# --- hashing rows read back, fast ---------------------------------------------

# Fields whose read-back value (str, int, bool) is already its canonical form.
_AS_READ = (
    models.CharField.get_prep_value,
    models.TextField.get_prep_value,
    models.IntegerField.get_prep_value,
    models.BooleanField.get_prep_value,
)


def _as_read(field: Field) -> bool:
    if isinstance(field, models.ForeignKey):
        return _as_read(field.target_field)
    return type(field).get_prep_value in _AS_READ


def _read_back_form(field: Field) -> Callable[[Any], Any] | None:
    """``canonical`` for a value of ``field`` as the database returns it
    (None: as it is); the same result, without the general path's steps that
    change nothing for such a value."""
    if isinstance(field, models.DateTimeField):
        return _utc_isoformat
    if isinstance(field, models.DateField | models.TimeField):
        return _isoformat
    if isinstance(field, models.DecimalField | models.UUIDField):
        return str  # read back with exactly the field's decimal places
    if isinstance(field, models.JSONField):
        return _key_sorted
    if _as_read(field):
        return None
    return _Remembered(field)


def _isoformat(value: dt.date | dt.time) -> str:
    return value.isoformat()


def _key_sorted(value: Any) -> Any:
    """``value`` with the keys of every dict in it in order (for JSON)."""
    if isinstance(value, dict):
        return {key: _key_sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [_key_sorted(item) for item in value]
    return value


class _Remembered:
    """``canonical`` for a column of another kind (a flow node, ...), each
    distinct value worked out once: such columns hold few distinct values."""

    _LIMIT = 10_000

    def __init__(self, field: Field) -> None:
        self._field = field
        self._seen: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        key = (type(value), value)  # 1 and True are equal keys, not equal values
        try:
            return self._seen[key]
        except KeyError:
            form = self._seen[key] = _key_sorted(canonical(self._field, value))
            if len(self._seen) > self._LIMIT:
                self._seen.clear()
            return form
        except TypeError:  # unhashable
            return _key_sorted(canonical(self._field, value))


class UtcIsoformat(models.Func):
    """A timestamptz column as ``_utc_isoformat`` writes its value, computed
    by PostgreSQL: UTC, ``T`` between date and time, the microseconds only
    when there are any (as ``datetime.isoformat``), ``+00:00``."""

    template = (
        "to_char(%(expressions)s AT TIME ZONE 'UTC', "
        "CASE WHEN date_trunc('second', %(expressions)s) = %(expressions)s "
        'THEN \'YYYY-MM-DD"T"HH24:MI:SS"+00:00"\' '
        'ELSE \'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\' END)'
    )
    output_field = models.CharField()


def _sorted_encoder() -> Callable[[Mapping[str, Any]], str]:
    """``_SORTED_ENCODER.encode``, with json's C encoder made once instead of
    for every message: the very call ``encode`` makes, with its arguments."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _SORTED_ENCODER.encode
    e = _SORTED_ENCODER
    encoder = make(
        None,  # check_circular=False
        e.default,
        json.encoder.encode_basestring,  # ensure_ascii=False
        None,  # indent
        e.key_separator,
        e.item_separator,
        e.sort_keys,
        e.skipkeys,
        e.allow_nan,
    )

    def encode(payload: Mapping[str, Any]) -> str:
        return "".join(encoder(payload, 0))

    return encode


class _Sha256Mac:
    """``hmac.digest(key, message, "sha256").hex()`` with the key's work done
    once: each message starts from copies of the two SHA-256 states after the
    padded key (RFC 2104), instead of hashing the key again."""

    _BLOCK = 64  # SHA-256's block size

    def __init__(self, key: bytes) -> None:
        if len(key) > self._BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(self._BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def __call__(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


class RowHasher:
    """``entry_hash`` for many rows of one table read back as tuples.

    ``columns`` are the hashed columns, in key order, in the order the tuples
    must give them; ``select`` what to select for each (a column's name, or
    an expression giving its canonical form). ``__call__`` takes a sequence
    starting with those values (extra values after them are ignored).
    ``iso_in_database``: the database writes datetimes in their canonical
    form (``UtcIsoformat``; PostgreSQL, aware datetimes only).
    """

    def __init__(
        self, history_model: type[models.Model], *, iso_in_database: bool = False
    ) -> None:
        fields = sorted(
            (
                f
                for f in history_model._meta.concrete_fields
                if f.attname not in UNHASHED
            ),
            key=lambda f: f.attname,
        )
        in_sql = {
            f.attname
            for f in fields
            if iso_in_database and isinstance(f, models.DateTimeField)
        }
        self.columns: Sequence[str] = [f.attname for f in fields]
        self.select: Sequence[str | models.Func] = [
            UtcIsoformat(name) if name in in_sql else name for name in self.columns
        ]
        self._forms = [
            (field.attname, form)
            for field in fields
            if field.attname not in in_sql
            and (form := _read_back_form(field)) is not None
        ]
        self._encode = _sorted_encoder()
        self._mac = _Sha256Mac(_key())

    def __call__(self, values: Sequence[Any]) -> str:
        payload = dict(zip(self.columns, values, strict=False))  # in key order
        for name, form in self._forms:
            value = payload[name]
            if value is not None:
                payload[name] = form(value)
        return self._mac(self._encode(payload).encode())
