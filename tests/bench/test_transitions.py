"""The transitions bench on a tiny nation: real transitions through the
service, bare writes on the same rows, and the database left as valid as it
was found. No timing is asserted; counts are."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from bench.nation import nation_generate
from bench.transitions import CYCLE, transitions_measure
from cases.models import Registration

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="bulk COPY needs PostgreSQL"
    ),
]

SCALE = 0.002  # 400 cases, about 30 of them in verification
State = Registration.State


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_times_real_transitions_and_leaves_the_cases_as_found() -> None:
    nation_generate(scale=SCALE)
    before = dict(Registration.objects.values_list("pk", "state"))
    versions = dict(Registration.objects.values_list("pk", "version"))
    history = Registration.history.count()

    result = transitions_measure(count=30)

    # Ten cases, one cycle each; then one more cycle to list the statements.
    assert result["transition_count"] == 30
    played = 30 + len(CYCLE)
    assert dict(Registration.objects.values_list("pk", "state")) == before
    moved = Registration.objects.filter(state=State.IN_VERIFICATION).order_by("pk")
    walked = list(moved.values_list("pk", "version")[:10])
    assert [v - versions[pk] for pk, v in walked] == [6] + [3] * 9
    # Only the service's rows stay: the bare writes' rows are gone.
    assert Registration.history.count() == history + played
    for key in ("transitions_per_s", "baseline_writes_per_s", "transition_ratio"):
        assert isinstance(result[key], float) and result[key] > 0, key
    statements = result["transition_statements"]
    assert result["transition_queries"] == len(statements)
    assert any("FOR UPDATE" in sql for sql in statements)
    out = StringIO()
    call_command("verify_audit", stdout=out, stderr=StringIO())
    assert "Audit trail intact." in out.getvalue()
