"""seed_demo builds a believable demo through the real services; twice is once."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models import Registration, RegistrationCertificate
from workflow.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _counts() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Registration.objects.count(),
        Registration.history.count(),
        Task.objects.count(),
    )


def test_seed_demo_shows_every_state_queues_and_a_certificate() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    assert "verifier_bogor" in out.getvalue() and "pilar-demo-2026" in out.getvalue()
    states = set(Registration.objects.values_list("state", flat=True))
    assert states == set(Registration.State.values)
    queue = Task.objects.filter(
        status=STATUS.NEW,
        deadline__office__name="Dinas Sosial Kabupaten Bogor",
        deadline__role="verifier",
    )
    assert queue.count() >= 2
    certificate = RegistrationCertificate.objects.get()
    assert certificate.state == RegistrationCertificate.State.ACTIVE
    call_command("verify_audit", stdout=StringIO())


def test_every_demo_user_can_sign_in() -> None:
    call_command("seed_demo", stdout=StringIO())
    for username in ["verifier_bogor", "kadis_bogor", "operator_bogor", "opd_bintan"]:
        user = User.objects.get(username=username)
        assert user.check_password("pilar-demo-2026")
        assert user.memberships.filter(is_active=True).exists()
