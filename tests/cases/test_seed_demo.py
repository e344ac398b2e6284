"""seed_demo builds a believable demo, and running it twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import Registration
from workflow.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Registration.objects.count(),
        Registration.history.count(),
    )


def test_seed_demo_is_idempotent_and_leaves_an_intact_audit_trail() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    assert "verifier_bogor" in out.getvalue()
    states = set(Registration.objects.values_list("state", flat=True))
    assert {
        "draft",
        "submitted",
        "in_verification",
        "needs_revision",
        "verified",
    } <= states
    assert {"certificate_issued", "rejected"} <= states
    assert Registration.history.exclude(transition="").count() >= 15
    call_command("verify_audit", stdout=StringIO())


def test_every_demo_role_can_sign_in() -> None:
    call_command("seed_demo", stdout=StringIO())
    for username in ["verifier_bogor", "kadis_bogor", "operator_bogor", "opd_bintan"]:
        user = User.objects.get(username=username)
        assert user.check_password("pilar-demo-2026")
        assert user.memberships.filter(is_active=True).exists()
