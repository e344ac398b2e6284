"""The one lookup of an office's own numbers (DOMAIN.md: data, not code)."""

from __future__ import annotations

from cases.models import OfficePolicy


def office_policy(*, office_id: int) -> OfficePolicy:
    """The office's policy row, or an unsaved one holding the model defaults.

    Every reader of a time limit, validity, upload limit or signer asks here,
    so that an office without a row gets the same defaults everywhere.
    """
    found = OfficePolicy.objects.filter(office_id=office_id).first()
    return found if found is not None else OfficePolicy(office_id=office_id)
