"""Placement pages: reached from the menu, a whole crew moved at once (or not at all, with the
reasons in Spanish), one placement with its audit trail, and who may move what."""

from __future__ import annotations

import re
from datetime import timedelta

from pathways.models import Placement
from pathways.services import placements
from pathways.services.audit import Actor
from tests.conftest import csrf_token
from tests.pathways.placement_rows import TODAY, cap, person, vacancy


def propose(session, user, applicant_id, vacancy_id) -> int:
    placement = placements.create(
        session, applicant_id, vacancy_id, user=user, actor=Actor.system("test")
    )
    return int(placement.id)


def menu_link(client, label: str) -> str:
    home = client.get("/").get_data(as_text=True)
    found = re.search(r'<a[^>]*href="([^"]+)"[^>]*>\s*' + re.escape(label) + r"\s*</a>", home)
    assert found, f"no menu entry {label!r}"
    return found.group(1)


def test_an_officer_moves_a_crew_from_the_menu(client, login_as, session):
    officer = login_as("officer")
    job = vacancy(session, positions=6, title="Jardinero")
    crew = [propose(session, officer, person(session, name=f"Persona {i}"), job) for i in range(3)]
    url = menu_link(client, "Colocaciones")
    page = client.get(url).get_data(as_text=True)
    assert "Persona 0" in page and "Propuesta" in page
    token = csrf_token(client, url)
    response = client.post(
        "/placements/move",
        data={"ids": [str(i) for i in crew], "to": "offered", "csrf_token": token},
    )
    assert response.status_code == 302
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 colocaciones pasaron a «Ofrecida»" in listing
    session.expire_all()
    assert {session.get(Placement, i).status for i in crew} == {"offered"}


def test_a_crew_that_cannot_all_move_moves_not_at_all(client, login_as, session):
    officer = login_as("officer")
    job = vacancy(session, positions=6)
    crew = [propose(session, officer, person(session, name=f"P{i}"), job) for i in range(3)]
    placements.transition(session, session.get(Placement, crew[0]), "offered", user=officer)
    token = csrf_token(client, "/placements")
    form = {"ids": [str(i) for i in crew], "to": "offered", "csrf_token": token}
    response = client.post("/placements/move", data=form)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "No se movió nada" in text
    assert "no puede pasar a" in text  # the reason, in Spanish
    session.expire_all()
    assert [session.get(Placement, i).status for i in crew] == ["offered", "proposed", "proposed"]


def test_the_detail_shows_the_trail_and_a_cap_refusal_in_spanish(
    client, login_as, session, set_caps
):
    start = TODAY + timedelta(days=40)
    set_caps("US-H2B", [cap("page.statutory", 1, kind="statutory")])
    officer = login_as("officer")
    job = vacancy(session, positions=3, start_date=start)
    first, second = (propose(session, officer, person(session, name=n), job) for n in "AB")
    for pid in (first, second):
        for state in ("offered", "accepted", "authorized"):
            placements.transition(session, session.get(Placement, pid), state, user=officer)
    placements.transition(session, session.get(Placement, first), "visa_issued", user=officer)
    url = f"/placements/{second}"
    token = csrf_token(client, url)
    response = client.post(
        f"{url}/move", data={"to": "visa_issued", "at": TODAY.isoformat(), "csrf_token": token}
    )
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "no queda ningún número de visa" in text and "page.statutory" in text
    history = client.get(url).get_data(as_text=True)
    assert ">Propuesta</th>" in history  # the first row is the proposal itself
    assert "Ofrecida → Aceptada" in history and "Aceptada → Autorizada" in history
    assert officer.email in history


def test_ministries_see_their_own_and_only_destinations_move(client, login_as, session, make_user):
    officer = make_user("officer")
    job = vacancy(session, positions=3)
    pid = propose(session, officer, person(session, "HN", name="Rosa Mejía"), job)
    login_as("ministry", "HN")
    page = client.get(f"/placements/{pid}").get_data(as_text=True)
    assert "Rosa Mejía" in page and 'name="to"' not in page  # follows, does not move
    assert client.get(f"/placements/{pid}/move").status_code == 405
    client.get("/logout")
    login_as("ministry", "GT")
    assert client.get(f"/placements/{pid}").status_code == 404
    client.get("/logout")
    login_as("ministry", "US")
    page = client.get(f"/placements/{pid}").get_data(as_text=True)
    assert "Rosa Mejía" not in page and f"#{pid:06d}" in page  # anonymous until accepted
    assert 'name="to"' in page
