"""Property: whatever officers try, in whatever order and with whatever dates, a placement's
recorded history is always a legal path of the lifecycle (API.md: Placements)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathways.services import placements
from pathways.services.audit import Actor
from pathways.services.placements import PlacementError
from tests.pathways.placement_rows import TODAY, person, proposed_earlier, vacancy

STATES = [*placements.ORDER[1:], "withdrawn", "hired", "proposed"]
ATTEMPTS = st.lists(
    st.tuples(st.sampled_from(STATES), st.one_of(st.none(), st.integers(-40, 3))),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(attempts=ATTEMPTS)
def test_history_is_always_a_legal_path(session, make_user, attempts) -> None:
    officer = make_user("officer")
    job = vacancy(session, positions=1)
    placement = placements.create(
        session, person(session), job, user=officer, actor=Actor.system("property")
    )
    proposed_earlier(session, int(placement.id), days=30)
    for to, days in attempts:
        at = None if days is None else TODAY + timedelta(days=days)
        try:
            placements.transition(session, placement, to, at=at, user=officer)
        except PlacementError:
            session.rollback()
    session.refresh(placement)
    history = placements.history(session, placement)
    assert history[0].from_status is None and history[0].to_status == "proposed"
    now = datetime.now(UTC)
    for before, after in zip(history, history[1:], strict=False):
        assert after.from_status == before.to_status
        assert after.to_status in placements.allowed_next(before.to_status)
        assert before.at <= after.at <= now
    assert placement.status == history[-1].to_status
