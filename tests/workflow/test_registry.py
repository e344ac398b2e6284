"""The process registry: apps register their flows; no flow imports a view."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cases.flows import RegistrationFlow
from cases.models import Registration
from workflow.models import Region
from workflow.registry import ProcessSpec, process_start, processes

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys, django
django.setup()
import cases.flows
views = sorted(m for m in sys.modules if ".views" in m and m.split(".")[0] in
               {"cases", "workflow", "accreditation", "monitoring"})
print(",".join(views))
"""


def test_importing_the_flows_imports_no_view_module() -> None:
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"},
    )
    assert done.stdout.strip() == "", done.stdout


def test_registration_registers_its_flow_with_the_engine() -> None:
    spec = processes.for_flow(RegistrationFlow)
    assert isinstance(spec, ProcessSpec)
    assert spec.record_model is Registration
    assert spec.task_record_lookup == "process__registrationprocess__registration"
    assert processes.for_record(Registration()) is spec


def test_a_record_without_a_flow_is_refused() -> None:
    with pytest.raises(LookupError):
        processes.for_record(Region())
    with pytest.raises(LookupError):
        process_start(record=Region())
