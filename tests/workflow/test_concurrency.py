"""Two users acting at once on PostgreSQL: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from cases.models import Registration
from tests.conftest import World
from workflow.exceptions import StaleRecord, WorkflowError
from workflow.services import transition_run

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL"
    ),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_verifiers_acting_at_once_one_wins_the_other_is_stale(
    world: World,
) -> None:
    from cases.services.registration import registration_create

    registration = registration_create(
        actor=world.operator_bogor, lks=world.lks_bogor, kind=Registration.Kind.FIRST
    )
    registration = transition_run(
        actor=world.operator_bogor, record=registration, transition="submit"
    )
    # Both load the same version of the record before either acts.
    copies = [Registration.objects.get(pk=registration.pk) for _ in range(2)]
    actions = [("start_verification", ""), ("reject", "Dokumen palsu")]
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def act(index: int) -> None:
        name, reason = actions[index]
        data = {"ground": "incomplete"} if name == "reject" else None
        try:
            barrier.wait(timeout=10)
            outcomes[index] = transition_run(
                actor=world.verifier_bogor,
                record=copies[index],
                transition=name,
                reason=reason,
                data=data,
            )
        except WorkflowError as exc:
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [o for o in outcomes if isinstance(o, Registration)]
    losers = [o for o in outcomes if isinstance(o, StaleRecord)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    fresh = Registration.objects.get(pk=registration.pk)
    assert fresh.state == winners[0].state
    assert fresh.version == registration.version + 1
    assert registration.history.filter(history_type="~").count() == 2  # submit + winner
