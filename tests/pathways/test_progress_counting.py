"""The counting rule of API.md, applied to placement histories: who counts, once, when, where."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from pathways.models import PathwayMilestone
from pathways.services import applicants, progress
from pathways.services.audit import Actor
from pathways.services.progress import CountingRule, count_new_pathways, today
from tests.pathways.progress_data import days_ago, job, person, placed


def rule(start: int = 200, end: int = -500, origins: tuple[str, ...] = ("SV", "GT", "HN")):
    """A window from ``start`` days ago to ``-end`` days ahead (positive ``end``: in the past)."""
    return CountingRule(50_000, days_ago(start), days_ago(end), origins)


def counts(session, r=None):
    return count_new_pathways(session, r or rule(), today())


def test_counted_once_per_person_at_the_visa_inside_the_window(session) -> None:
    h2a, sawp, h2b = job(session, "US-H2A"), job(session, "CA-SAWP"), job(session, "US-H2B")
    inside = person(session, "GT", sex="F", subdivision="GT-QZ")
    placed(session, inside, h2a, "visa_issued", days_ago(100))
    # Two placements in the window: counted once, on the first (its program and month).
    twice = person(session, "HN", sex="M", subdivision="HN-CR")
    placed(session, twice, h2b, "completed", days_ago(150))
    placed(session, twice, sawp, "visa_issued", days_ago(20))
    # Not a target nationality: never counted.
    placed(session, person(session, "NI", subdivision=None), h2a, "visa_issued", days_ago(90))
    # Visa issued before the window opened.
    placed(session, person(session, "SV", subdivision="SV-SS"), h2a, "arrived", days_ago(260))
    # Authorized but no visa yet (US-H2A counts at the visa).
    placed(session, person(session, "GT"), h2a, "authorized", days_ago(40))
    # A withdrawal after the visa does not uncount it.
    gone = person(session, "SV", sex="M", subdivision="SV-SS")
    placed(session, gone, h2b, "visa_issued", days_ago(60), then=(("withdrawn", days_ago(30)),))
    # Withdrawn before the visa: never counted.
    early = person(session, "GT")
    placed(session, early, h2a, "accepted", days_ago(45), then=(("withdrawn", days_ago(44)),))

    c = counts(session)
    assert c.counted == 3
    assert c.by_program["US-H2A"] == 1 and c.by_program["US-H2B"] == 2
    assert c.by_program["CA-SAWP"] == 0  # the second placement of the same person
    assert c.by_destination == {"US": 3, "CA": 0, "MX": 0}
    assert c.by_origin == {"SV": 1, "GT": 1, "HN": 1}
    assert c.by_sex == {"F": 1, "M": 2, "X": 0}
    assert c.by_subdivision == {"GT-QZ": 1, "HN-CR": 1, "SV-SS": 1}
    month = days_ago(150).strftime("%Y-%m")
    assert c.by_month[month] >= 1 and sum(c.by_month.values()) == 3
    assert list(c.by_month)[0] == days_ago(200).strftime("%Y-%m")
    assert list(c.by_month)[-1] == today().strftime("%Y-%m")


def test_border_card_counts_at_authorization(session) -> None:
    tvtf = job(session, "MX-TVTF")
    card = person(session, "GT", subdivision="GT-SM")
    placed(session, card, tvtf, "authorized", days_ago(10))
    assert counts(session).by_program["MX-TVTF"] == 1
    # A US-H2A placement stopped at the same state is not a pathway yet.
    placed(session, person(session, "GT"), job(session, "US-H2A"), "authorized", days_ago(10))
    c = counts(session)
    assert c.counted == 1 and c.by_destination["MX"] == 1


def test_a_visa_after_the_window_closed_is_not_counted(session) -> None:
    h2a = job(session, "US-H2A")
    placed(session, person(session, "GT"), h2a, "visa_issued", days_ago(150))
    placed(session, person(session, "HN", subdivision="HN-CR"), h2a, "visa_issued", days_ago(50))
    closed = rule(start=400, end=100)
    c = counts(session, closed)
    assert c.counted == 1 and c.by_origin["GT"] == 1 and c.by_origin["HN"] == 0
    # The months listed stop at the window's end.
    assert list(c.by_month)[-1] == days_ago(100).strftime("%Y-%m")


def test_a_person_with_a_visa_before_the_window_counts_again_inside_it(session) -> None:
    h2a, h2b = job(session, "US-H2A"), job(session, "US-H2B")
    back = person(session, "SV", subdivision="SV-SS", returning=("US-H2B",))
    placed(session, back, h2a, "completed", days_ago(300))
    placed(session, back, h2b, "visa_issued", days_ago(30))
    c = counts(session)
    assert c.counted == 1 and c.by_program["US-H2B"] == 1
    assert c.new_vs_returning == {"new": 0, "returning": 1}


def test_settings_move_the_window_and_the_origins(session) -> None:
    h2a = job(session, "US-H2A")
    placed(session, person(session, "GT"), h2a, "visa_issued", days_ago(100))
    placed(session, person(session, "HN", subdivision="HN-CR"), h2a, "visa_issued", days_ago(20))
    placed(session, person(session, "NI", subdivision=None), h2a, "visa_issued", days_ago(20))
    assert counts(session).counted == 2
    assert counts(session, rule(start=50)).counted == 1  # the window starts later
    only_gt = counts(session, rule(origins=("GT",)))
    assert only_gt.counted == 1 and only_gt.by_origin == {"GT": 1}
    with_ni = counts(session, rule(origins=("GT", "HN", "NI")))
    assert with_ni.counted == 3 and with_ni.by_origin["NI"] == 1
    # Before the window opens nothing is counted and no month is listed.
    soon = today() + timedelta(days=5)
    future = counts(session, CountingRule(50_000, soon, soon + timedelta(days=700), ("GT",)))
    assert future.counted == 0 and future.by_month == {}


def test_a_backdated_visa_becomes_the_persons_first(session) -> None:
    h2a, sawp = job(session, "US-H2A"), job(session, "CA-SAWP")
    who = person(session, "GT")
    placed(session, who, h2a, "visa_issued", days_ago(20))
    # Recorded later, happened earlier: the person now counts on this one.
    placed(session, who, sawp, "visa_issued", days_ago(120))
    c = counts(session)
    assert c.counted == 1 and c.by_program == {**c.by_program, "CA-SAWP": 1, "US-H2A": 0}


def test_rebuild_gives_the_same_answer_as_the_transitions(session) -> None:
    h2a, h2b, tvtf = job(session, "US-H2A"), job(session, "US-H2B"), job(session, "MX-TVTF")
    for i, (origin, days) in enumerate([("GT", 20), ("SV", 40), ("HN", 70), ("GT", 250)]):
        who = person(session, origin, sex="FM"[i % 2], subdivision=None, returning=("US-H2A",))
        placed(session, who, h2a, "completed", days_ago(days + 100))
        placed(session, who, h2b if i % 2 else tvtf, "visa_issued", days_ago(days))
    placed(session, person(session, "SV"), h2b, "visa_issued", days_ago(5),
           then=(("withdrawn", days_ago(1)),))  # fmt: skip

    def snapshot():
        rows = session.exec(select(PathwayMilestone).order_by(PathwayMilestone.placement_id))
        return [
            (m.placement_id, m.applicant_id, m.program_code, m.destination, m.nationality,
             m.sex, m.residence_subdivision, m.returning_worker, m.reached_on, m.month,
             m.cell, m.place, m.previous_on)
            for m in rows
        ]  # fmt: skip

    noted, answer = snapshot(), counts(session)
    # The fourth person's visas were both before the window; the others count on US-H2A.
    assert len(noted) == 9 and answer.counted == 4 and answer.by_program["US-H2A"] == 3
    assert progress.rebuild(session) == 9
    session.expire_all()
    assert snapshot() == noted
    assert counts(session) == answer


def test_erasing_a_person_keeps_what_they_counted_for(session) -> None:
    who = person(session, "HN", sex="F", subdivision="HN-CR")
    placed(session, who, job(session, "CA-SAWP"), "visa_issued", days_ago(15))
    before = counts(session)
    applicants.erase(session, who, actor=Actor.system("test"))
    session.commit()
    assert counts(session) == before
    progress.rebuild(session)
    assert counts(session) == before
